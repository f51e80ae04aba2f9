/**
 * Opens an authenticated ssh2 Client to a target, through its jump hosts if
 * any. The first hop's TCP socket is created here with TCP_NODELAY set (ssh2
 * leaves Nagle's algorithm on, which cost ~47 ms per exec against OpenSSH's
 * delayed ACKs; with it off, ~3 ms). Each later hop runs over a
 * `direct-tcpip` channel (`forwardOut`) of the hop before it.
 */
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { AuthHandlerMiddleware, Client, ConnectConfig } from 'ssh2';
import { planAuth, type AuthPlan } from './auth.js';
import { connectError, endpointText, SshUnreachableError } from './errors.js';
import { describeHostKey, hostKeyAlgorithms, type HostKeyInfo } from './host-key.js';
import type { HostKeyStatus, KnownHostEntry } from './known-hosts.js';
import type { HostKeyPolicy, KnownHostsStore } from './known-hosts-store.js';
import type { SshHop, SshTarget } from './target.js';

export interface OpenedClient {
  readonly client: Client;
  /** the bastions' clients, outermost first; ended with the client */
  readonly jumps: readonly Client[];
  /** the TCP socket to the first hop (tests destroy it to simulate a dropped link) */
  readonly socket: Duplex;
}

export interface OpenOptions {
  readonly store: KnownHostsStore;
  /** turns TCP_NODELAY off (only to measure what it is worth) */
  readonly nagle?: boolean;
}

export async function openClient(t: SshTarget, o: OpenOptions): Promise<OpenedClient> {
  const hops: SshHop[] = [...t.jumps, t];
  // keys and known_hosts are read before the socket exists, so no socket error can arrive unheard
  const prepared = await Promise.all(hops.map((h) => prepareHop(h, t.hostKeys, o.store)));
  const clients: Client[] = [];
  const socket = netConnect({ host: hops[0]!.address, port: hops[0]!.port });
  socket.setNoDelay(!o.nagle);
  let sock: Duplex = socket;
  try {
    for (let i = 0; i < hops.length; i++) {
      const h = hops[i]!;
      const via = i > 0 ? endpointText(hops[i - 1]!) : undefined;
      const client = await connectHop(h, prepared[i]!, sock, t, o.store, via);
      clients.push(client);
      const next = hops[i + 1];
      if (next) sock = await forward(client, h, next);
    }
  } catch (e) {
    for (const c of clients.reverse()) c.end();
    socket.destroy();
    throw e;
  }
  return { client: clients[clients.length - 1]!, jumps: clients.slice(0, -1), socket };
}

function forward(bastion: Client, from: SshHop, to: SshHop): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    bastion.forwardOut('127.0.0.1', 0, to.address, to.port, (err, stream) => {
      if (err) {
        reject(
          new SshUnreachableError(to.host, 'jump', `jump host ${endpointText(from)} cannot reach ${to.address}:${to.port}: ${err.message}`, {
            hint: 'is the target address right as seen from the jump host, and does its sshd allow TCP forwarding (AllowTcpForwarding)?',
            cause: err,
          }),
        );
      } else resolve(stream);
    });
  });
}

interface PreparedHop {
  readonly auth: AuthPlan;
  readonly entries: readonly KnownHostEntry[];
}

async function prepareHop(h: SshHop, policy: HostKeyPolicy, store: KnownHostsStore): Promise<PreparedHop> {
  const [auth, entries] = await Promise.all([planAuth(h.auth), store.load(policy.files)]);
  return { auth, entries };
}

/** Connects one hop over `sock`; synchronous up to `client.connect`, so the socket's errors reach ssh2. */
async function connectHop(h: SshHop, p: PreparedHop, sock: Duplex, t: SshTarget, store: KnownHostsStore, via: string | undefined): Promise<Client> {
  const { auth, entries } = p;
  const policy = t.hostKeys;
  let refusal: SshUnreachableError | undefined;
  const client = new ssh2.Client();
  // ssh2 may emit more than one error (a timeout, then "connection lost before handshake"), and
  // later ones after ready: the first is mapped below, the connection learns of the rest from 'close'
  client.on('error', () => undefined);
  const hostVerifier = (blob: Buffer, verify: (ok: boolean) => void): void => {
    const key = describeHostKey(blob);
    const status = store.check(entries, h.address, h.port, key);
    if (status.status === 'known') return verify(true);
    if (status.status === 'unknown' && policy.acceptNew) {
      store.append(policy.writeFile, h.address, h.port, key).then(
        () => verify(true),
        (e: unknown) => {
          refusal = new SshUnreachableError(h.host, 'host-key-unknown', `cannot record the host key of ${h.address}:${h.port} in ${policy.writeFile}: ${(e as Error).message}`);
          verify(false);
        },
      );
      return;
    }
    refusal = hostKeyRefusal(h, key, status, policy);
    verify(false);
  };
  const tried: string[] = [];
  let next = 0;
  const authHandler: AuthHandlerMiddleware = (_left, _partial, done) => {
    const m = auth.methods[next];
    if (m === undefined) return done(false as never);
    tried.push(auth.labels[next]!);
    next++;
    done(m);
  };
  const config: ConnectConfig = {
    sock,
    username: h.user,
    readyTimeout: t.connectTimeoutMs,
    keepaliveInterval: t.keepaliveIntervalMs,
    keepaliveCountMax: 3,
    hostVerifier,
    authHandler,
    algorithms: { serverHostKey: hostKeyAlgorithms(store.knownTypes(entries, h.address, h.port)) },
  };
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      client.removeListener('ready', onReady);
      const mapped = refusal ?? connectError(h, err, [...tried, ...auth.skipped.map((s) => `skipped ${s}`)], via);
      reject(mapped);
    };
    const onReady = (): void => {
      client.removeListener('error', onError);
      resolve();
    };
    client.once('error', onError);
    client.once('ready', onReady);
    client.connect(config);
  });
  return client;
}

function hostKeyRefusal(h: SshHop, key: HostKeyInfo, status: Exclude<HostKeyStatus, { status: 'known' }>, policy: HostKeyPolicy): SshUnreachableError {
  const where = `${h.address}:${h.port}`;
  const scan = `ssh-keyscan -p ${h.port} ${h.address} >> ${policy.writeFile}`;
  if (status.status === 'unknown') {
    return new SshUnreachableError(h.host, 'host-key-unknown', `host key of ${where} is not known: ${key.type} ${key.fingerprint}`, {
      hint: `check the fingerprint, then accept it with --accept-new-host-keys (or tsplay_ssh_accept_new_host_keys: true), or add it yourself: ${scan}`,
    });
  }
  if (status.status === 'revoked') {
    return new SshUnreachableError(h.host, 'host-key-revoked', `host key of ${where} is REVOKED (${status.entry.file}:${status.entry.line}): ${key.type} ${key.fingerprint}`, {
      hint: 'this key must not be trusted; ask the host owner',
    });
  }
  return new SshUnreachableError(
    h.host,
    'host-key-changed',
    `WARNING: HOST KEY OF ${where} HAS CHANGED! It now presents ${key.type} ${key.fingerprint}, but ${status.entry.file}:${status.entry.line} holds a different ${status.entry.keyType} key. Someone could be intercepting the connection (man-in-the-middle), or the host was reinstalled. tsplay never accepts a changed key.`,
    { hint: `if the change is expected, remove the old key (ssh-keygen -R '${status.entry.hosts.startsWith('|') ? (h.port === 22 ? h.address : `[${h.address}]:${h.port}`) : status.entry.hosts}' -f ${status.entry.file}) and connect again` },
  );
}
