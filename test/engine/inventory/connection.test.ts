import { describe, expect, it } from 'vitest';
import { connectionSettings, connectionVar } from '../../../src/engine/inventory/connection.js';
import { ConnectionVarError } from '../../../src/engine/inventory/errors.js';
import { Secret } from '../../../src/engine/secret.js';

describe('connectionSettings', () => {
  it.each([
    { host: 'localhost', vars: {}, want: { address: 'localhost', connection: 'local' } },
    { host: '127.0.0.1', vars: {}, want: { address: '127.0.0.1', connection: 'local' } },
    { host: 'localhost', vars: { ansible_host: '10.0.0.5' }, want: { address: '10.0.0.5', connection: 'ssh' } },
    { host: 'web1', vars: {}, want: { address: 'web1', connection: 'ssh' } },
    {
      host: 'web1',
      vars: { ansible_host: 'a', tsplay_host: 't', ansible_port: 2200, ansible_user: 'root', tsplay_user: 'deploy' },
      want: { address: 't', port: 2200, user: 'deploy', connection: 'ssh' },
    },
    {
      host: 'old',
      vars: { ansible_ssh_host: '10.1.1.1', ansible_ssh_port: '2022', ansible_ssh_user: 'legacy' },
      want: { address: '10.1.1.1', port: 2022, user: 'legacy', connection: 'ssh' },
    },
    { host: 'box', vars: { ansible_connection: 'docker', tsplay_connection: 'local' }, want: { address: 'box', connection: 'local' } },
    { host: 'box', vars: { ansible_connection: 'docker' }, want: { address: 'box', connection: 'docker' } },
    { host: 'sec', vars: { tsplay_user: new Secret('hidden-user') }, want: { address: 'sec', user: 'hidden-user', connection: 'ssh' } },
  ])('$host with $vars', ({ host, vars, want }) => {
    const got = connectionSettings(host, vars);
    expect({ address: got.address, port: got.port, user: got.user, connection: got.connection }).toEqual({
      port: undefined,
      user: undefined,
      ...want,
    });
    expect(got.host).toBe(host);
    expect(got.vars).toBe(vars);
  });

  it.each([{ ansible_port: 'ssh' }, { tsplay_port: 70000 }, { ansible_port: 0 }, { tsplay_user: ['a'] }])('rejects %o', (vars) => {
    expect(() => connectionSettings('h', vars)).toThrow(ConnectionVarError);
  });
});

describe('connectionVar', () => {
  it.each([
    [{ tsplay_password: 'a', ansible_password: 'b' }, 'password', 'a'],
    [{ ansible_ssh_pass: 'legacy' }, 'password', 'legacy'],
    [{ ansible_private_key_file: '/k' }, 'privateKeyFile', '/k'],
    [{ ansible_become_pass: 'x', ansible_become_password: 'y' }, 'becomePassword', 'y'],
    [{ tsplay_become: null, ansible_become: true }, 'become', true],
    [{}, 'becomeUser', undefined],
  ] as const)('%o → %s', (vars, setting, want) => {
    expect(connectionVar(vars, setting)).toBe(want);
  });
});
