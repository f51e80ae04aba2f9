/**
 * The built-in modules, as a typed registry: `BuiltinModule` is the union of
 * their names, and a task's module is `BuiltinModule | (string & {})` (project
 * modules add their own names at run time).
 */
import apt from './apt.js';
import apt_pin from './apt_pin.js';
import apt_repo from './apt_repo.js';
import assert from './assert.js';
import blockinfile from './blockinfile.js';
import command from './command.js';
import containerd from './containerd.js';
import copy from './copy.js';
import debug from './debug.js';
import etcd_snapshot from './etcd_snapshot.js';
import fail from './fail.js';
import fetch from './fetch.js';
import file from './file.js';
import govc_clone from './govc_clone.js';
import helm_release from './helm_release.js';
import hosts_entries from './hosts_entries.js';
import k8s from './k8s.js';
import k8s_drain from './k8s_drain.js';
import k8s_info from './k8s_info.js';
import kernel_modules from './kernel_modules.js';
import kube_vip from './kube_vip.js';
import lineinfile from './lineinfile.js';
import nsx_dfw from './nsx_dfw.js';
import nsx_spoofguard from './nsx_spoofguard.js';
import set_fact from './set_fact.js';
import shell from './shell.js';
import stat from './stat.js';
import swap from './swap.js';
import sysctl from './sysctl.js';
import systemd from './systemd.js';
import template from './template.js';
import uri from './uri.js';
import wait_for from './wait_for.js';
import type { AnyModule } from '../engine/module.js';

export type BuiltinModule =
  | 'apt'
  | 'apt_pin'
  | 'apt_repo'
  | 'assert'
  | 'blockinfile'
  | 'command'
  | 'containerd'
  | 'copy'
  | 'debug'
  | 'etcd_snapshot'
  | 'fail'
  | 'fetch'
  | 'file'
  | 'govc_clone'
  | 'helm_release'
  | 'hosts_entries'
  | 'k8s'
  | 'k8s_drain'
  | 'k8s_info'
  | 'kernel_modules'
  | 'kube_vip'
  | 'lineinfile'
  | 'nsx_dfw'
  | 'nsx_spoofguard'
  | 'set_fact'
  | 'shell'
  | 'stat'
  | 'swap'
  | 'sysctl'
  | 'systemd'
  | 'template'
  | 'uri'
  | 'wait_for';

export const builtinModules: Readonly<Record<BuiltinModule, AnyModule>> = {
  apt,
  apt_pin,
  apt_repo,
  assert,
  blockinfile,
  command,
  containerd,
  copy,
  debug,
  etcd_snapshot,
  fail,
  fetch,
  file,
  govc_clone,
  helm_release,
  hosts_entries,
  k8s,
  k8s_drain,
  k8s_info,
  kernel_modules,
  kube_vip,
  lineinfile,
  nsx_dfw,
  nsx_spoofguard,
  set_fact,
  shell,
  stat,
  swap,
  sysctl,
  systemd,
  template,
  uri,
  wait_for,
};
export type ModuleName = BuiltinModule | (string & {});

/** other names Ansible users write for the same modules */
export const moduleAliases: Readonly<Record<string, BuiltinModule>> = {
  systemd_service: 'systemd',
  service: 'systemd',
  // kubernetes.core's names of the same modules (their parameters: docs/kubernetes.md)
  'kubernetes.core.k8s': 'k8s',
  'kubernetes.core.k8s_info': 'k8s_info',
  'kubernetes.core.k8s_drain': 'k8s_drain',
};
