/** A small module lookup with realistic schemas, standing in for the registry in loader tests. */
import { Type, type TSchema } from '@sinclair/typebox';
import type { ModuleLookup } from '../../../src/engine/playbook/load-options.js';
import { normaliseModuleName } from '../../../src/engine/playbook/module-name.js';

interface TestModule {
  readonly name: string;
  readonly params: TSchema;
  readonly freeForm?: string;
  readonly conditionParams?: readonly string[];
}

const command: TestModule = {
  name: 'command',
  freeForm: 'cmd',
  params: Type.Object(
    { cmd: Type.Optional(Type.String()), argv: Type.Optional(Type.Array(Type.String())), chdir: Type.Optional(Type.String()), creates: Type.Optional(Type.String()) },
    { anyOf: [{ required: ['cmd'] }, { required: ['argv'] }] },
  ),
};

const shell: TestModule = { ...command, name: 'shell', params: Type.Object({ cmd: Type.String(), chdir: Type.Optional(Type.String()) }) };

const copy: TestModule = {
  name: 'copy',
  params: Type.Object(
    {
      src: Type.Optional(Type.String()),
      content: Type.Optional(Type.String()),
      dest: Type.String(),
      mode: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
      owner: Type.Optional(Type.String()),
      backup: Type.Boolean({ default: false }),
    },
    { not: { anyOf: [{ required: ['src', 'content'] }] } },
  ),
};

const template: TestModule = { name: 'template', params: Type.Object({ src: Type.String(), dest: Type.String(), mode: Type.Optional(Type.String()) }) };

const debug: TestModule = {
  name: 'debug',
  params: Type.Object({ msg: Type.Optional(Type.Unknown()), var: Type.Optional(Type.String()), verbosity: Type.Integer({ default: 0, minimum: 0 }) }),
};

const apt: TestModule = {
  name: 'apt',
  params: Type.Object({
    name: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent'), Type.Literal('latest')], { default: 'present' }),
    update_cache: Type.Boolean({ default: false }),
    cache_valid_time: Type.Optional(Type.Integer()),
  }),
};

const service: TestModule = {
  name: 'service',
  params: Type.Object({ name: Type.String(), state: Type.Optional(Type.Union([Type.Literal('started'), Type.Literal('stopped'), Type.Literal('restarted'), Type.Literal('reloaded')])), enabled: Type.Optional(Type.Boolean()) }),
};

const assert: TestModule = {
  name: 'assert',
  conditionParams: ['that'],
  params: Type.Object({
    that: Type.Union([Type.String(), Type.Boolean(), Type.Array(Type.Union([Type.String(), Type.Boolean()]), { minItems: 1 })]),
    fail_msg: Type.Optional(Type.Unknown()),
    msg: Type.Optional(Type.Unknown()),
  }),
};

export const testModuleList: readonly TestModule[] = [command, shell, copy, template, debug, apt, service, assert];

export function testModules(): ModuleLookup {
  const byName = new Map(testModuleList.map((m) => [m.name, m]));
  return {
    get: (name) => byName.get(normaliseModuleName(name)),
    names: () => [...byName.keys()].sort(),
  };
}
