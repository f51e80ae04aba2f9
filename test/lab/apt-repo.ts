/**
 * A signed apt repository inside a lab host, for the apt_repo and apt_pin
 * tests: stand-in packages built with dpkg-deb (a script in /usr/bin and a
 * file in /usr/share/doc), flat repositories laid out like pkgs.k8s.io
 * (`<path>/Packages`, `Release`, `InRelease`, `Release.gpg`, suite `/`), a
 * throwaway ed25519 signing key made with gpg in the container, served by
 * `python3 -m http.server` on the container's 127.0.0.1 (a transient systemd
 * unit). The Packages and Release indexes are written here in TypeScript;
 * dpkg-scanpackages and apt-ftparchive are not needed.
 *
 * A package may carry real files instead (`files`: the stand-in helm as
 * /usr/bin/helm); they are copied into the container with `docker cp`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import type { LabHost } from './hosts.js';

/** Only `exec` is used, so SSH lab hosts (SshLabHost) serve too; `container` only for packages with `files`. */
type ExecHost = Pick<LabHost, 'exec'> & Partial<Pick<LabHost, 'container'>>;

export interface FakePackage {
  readonly name: string;
  readonly version: string;
  /**
   * Files the package installs, as path in the package → a file on this machine (mode kept), e.g.
   * `{'/usr/bin/helm': helmStandinPath}`. Without one for /usr/bin/NAME, the package's
   * /usr/bin/NAME is a script printing `NAME VERSION`.
   */
  readonly files?: Readonly<Record<string, string>>;
}

export interface AptRepoFixture {
  readonly port: number;
  /** `http://127.0.0.1:<port>/<path>/` as a source line wants it */
  url(path: string): string;
  /** the signing key, ASCII-armored */
  readonly armoredKey: string;
  /** upper-case hex */
  readonly fingerprint: string;
  readonly userId: string;
  /** the armored key served under this URL */
  readonly keyUrl: string;
  /** directory the server serves */
  readonly root: string;
}

const ROOT = '/srv/tsplay-apt';
const GNUPG = '/srv/tsplay-apt-gnupg';
const USER_ID = 'tsplay apt fixture <apt-fixture@tsplay.test>';

/** The repositories as path → packages, e.g. `{'core:/stable:/v1.34/deb': [{name: 'kubeadm', version: '1.34.1-1.1'}]}`. */
export async function startAptRepo(host: ExecHost, repos: Readonly<Record<string, readonly FakePackage[]>>, opts: { port?: number } = {}): Promise<AptRepoFixture> {
  const port = opts.port ?? 8081;
  const fingerprint = await makeSigningKey(host);
  const armoredKey = (await must(host, `GNUPGHOME=${GNUPG} gpg --batch --armor --export ${fingerprint}`)).stdout;
  await writeIn(host, `${ROOT}/Release.key`, armoredKey);
  for (const [path, pkgs] of Object.entries(repos)) await buildRepo(host, `${ROOT}/${path}`, pkgs, fingerprint);
  await must(host, `systemd-run --unit=tsplay-apt-repo-${port} --quiet python3 -m http.server ${port} --bind 127.0.0.1 --directory ${ROOT}`);
  await waitForServer(host, `http://127.0.0.1:${port}/Release.key`);
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}/${path.replace(/^\/|\/$/g, '')}/`,
    armoredKey,
    fingerprint,
    userId: USER_ID,
    keyUrl: `http://127.0.0.1:${port}/Release.key`,
    root: ROOT,
  };
}

async function makeSigningKey(host: ExecHost): Promise<string> {
  await must(host, `mkdir -p -m 700 ${GNUPG} && mkdir -p ${ROOT}`);
  await must(host, `GNUPGHOME=${GNUPG} gpg -q --batch --pinentry-mode loopback --passphrase '' --quick-gen-key '${USER_ID}' ed25519 sign never`);
  const colons = (await must(host, `GNUPGHOME=${GNUPG} gpg --batch --with-colons --list-keys`)).stdout;
  const fpr = /^fpr:(?:[^:]*:){8}([0-9A-F]{40}):/m.exec(colons)?.[1];
  if (!fpr) throw new Error(`apt fixture: no fingerprint in gpg output:\n${colons}`);
  return fpr;
}

/** One flat repository: the .debs, Packages, Release signed two ways (InRelease and Release.gpg). */
async function buildRepo(host: ExecHost, dir: string, pkgs: readonly FakePackage[], fingerprint: string): Promise<void> {
  await must(host, `mkdir -p '${dir}'`);
  const stanzas: string[] = [];
  for (const p of pkgs) {
    const control = controlFields(p);
    const deb = `${p.name}_${p.version}_all.deb`;
    const build = `/tmp/tsplay-apt-build/${p.name}_${p.version}`;
    await writeIn(host, `${build}/DEBIAN/control`, `${control}\n`);
    await writeIn(host, `${build}/usr/share/doc/${p.name}/VERSION`, `${p.version}\n`);
    const files = p.files ?? {};
    if (!files[`/usr/bin/${p.name}`]) {
      await writeIn(host, `${build}/usr/bin/${p.name}`, `#!/bin/sh\necho '${p.name} ${p.version}'\n`);
      await must(host, `chmod 755 '${build}/usr/bin/${p.name}'`);
    }
    for (const [path, source] of Object.entries(files)) await copyIn(host, source, `${build}${path}`);
    await must(host, `dpkg-deb -Zgzip --root-owner-group --build '${build}' '${dir}/${deb}' >/dev/null`);
    if (p.files) {
      // a large binary: sizes and hashes computed where the .deb is
      const [size, md5, sha256] = (await must(host, `cd '${dir}' && stat -c %s '${deb}' && md5sum '${deb}' && sha256sum '${deb}'`)).stdout.split('\n').map((l) => l.split(' ')[0] ?? '');
      stanzas.push([control, `Filename: ./${deb}`, `Size: ${size}`, `MD5sum: ${md5}`, `SHA256: ${sha256}`].join('\n'));
      continue;
    }
    const bytes = Buffer.from((await must(host, `base64 -w0 '${dir}/${deb}'`)).stdout, 'base64');
    stanzas.push(packagesStanza(control, deb, bytes));
  }
  const packages = `${stanzas.join('\n\n')}\n`;
  await writeIn(host, `${dir}/Packages`, packages);
  await writeIn(host, `${dir}/Release`, releaseFile(Buffer.from(packages)));
  const gpg = `GNUPGHOME=${GNUPG} gpg -q --batch --yes --local-user ${fingerprint}`;
  await must(host, `cd '${dir}' && ${gpg} --clearsign -o InRelease Release && ${gpg} --detach-sign --armor -o Release.gpg Release`);
}

export function controlFields(p: FakePackage): string {
  return [
    `Package: ${p.name}`,
    `Version: ${p.version}`,
    'Architecture: all',
    'Maintainer: tsplay tests <tests@tsplay.test>',
    'Section: admin',
    'Priority: optional',
    `Description: stand-in ${p.name} for tsplay tests`,
  ].join('\n');
}

/** A Packages stanza: the control fields, then where the file is and its size and hashes. */
export function packagesStanza(control: string, filename: string, deb: Buffer): string {
  const hash = (alg: string): string => createHash(alg).update(deb).digest('hex');
  return [control, `Filename: ./${filename}`, `Size: ${deb.length}`, `MD5sum: ${hash('md5')}`, `SHA256: ${hash('sha256')}`].join('\n');
}

/** Release of a flat repository with one uncompressed Packages index. */
export function releaseFile(packages: Buffer, date = new Date()): string {
  const line = (alg: string): string => ` ${createHash(alg).update(packages).digest('hex')} ${packages.length} Packages`;
  return [
    'Origin: tsplay-tests',
    'Label: tsplay-tests',
    `Date: ${date.toUTCString().replace('GMT', 'UTC')}`,
    'MD5Sum:',
    line('md5'),
    'SHA256:',
    line('sha256'),
    '',
  ].join('\n');
}

/** A file of this machine into the container (docker cp keeps its mode). */
async function copyIn(host: ExecHost, source: string, dest: string): Promise<void> {
  if (!host.container) throw new Error(`apt fixture: a package with files needs a container host (${dest})`);
  await must(host, `mkdir -p "$(dirname '${dest}')"`);
  await promisify(execFile)('docker', ['cp', source, `${host.container}:${dest}`]);
}

async function writeIn(host: ExecHost, path: string, content: string): Promise<void> {
  const b64 = Buffer.from(content).toString('base64');
  await must(host, `mkdir -p "$(dirname '${path}')" && echo '${b64}' | base64 -d > '${path}'`);
}

async function waitForServer(host: ExecHost, url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if ((await host.exec(`curl -fsS -o /dev/null ${url}`)).exitCode === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`apt fixture: ${url} did not answer within 15 s`);
}

async function must(host: ExecHost, cmd: string): Promise<{ stdout: string }> {
  const r = await host.exec(cmd);
  if (r.exitCode !== 0) throw new Error(`apt fixture: \`${cmd}\` failed (${r.exitCode}): ${r.stderr.trim()}`);
  return r;
}
