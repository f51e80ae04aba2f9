import { execFileSync } from 'node:child_process';
import { arch as osArch, cpus, hostname, totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { FactsError, gatherFacts } from '../../../src/engine/facts/gather.js';
import { LocalConnection } from '../../../src/engine/transport/local.js';

describe('gatherFacts on this machine through LocalConnection', () => {
  it('collects the facts in one command and agrees with Node\'s view of the machine', async () => {
    const conn = new LocalConnection('localhost');
    const commands: string[] = [];
    const facts = await gatherFacts((cmd) => {
      commands.push(cmd);
      return conn.exec(cmd);
    });
    expect(commands).toHaveLength(1);
    expect(facts.hostname).toBe(hostname().split('.')[0]);
    expect(facts.processorVcpus).toBe(Number(execFileSync('nproc', { encoding: 'utf8' }).trim()));
    expect(facts.processorVcpus).toBeLessThanOrEqual(cpus().length);
    expect(facts.memTotalMb).toBe(Math.floor(totalmem() / 1024 / 1024));
    const arch = osArch();
    expect(facts.architecture).toBe(arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch64' : arch);
    expect(facts.kernel).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(facts.interfaces.some((i) => i.device === 'lo')).toBe(true);
    if (facts.defaultIpv4) {
      const iface = facts.interfaces.find((i) => i.device === facts.defaultIpv4!.interface);
      expect(iface?.ipv4.map((a) => a.address)).toContain(facts.defaultIpv4.address);
      expect(facts.defaultIpv4.mtu).toBe(iface?.mtu);
    }
  });

  it('fails clearly when the command does not run', async () => {
    await expect(gatherFacts(async () => ({ exitCode: 127, stdout: '', stderr: 'sh: not found' }))).rejects.toBeInstanceOf(FactsError);
  });
});
