/** The SSH transport (`tsplay_connection: ssh`). See docs/ssh.md. */
export { createSshConnectionFactory, type SshFactoryOptions } from './factory.js';
export { SshConnection } from './ssh-connection.js';
export { SshUnreachableError, type SshFailure } from './errors.js';
export { SSH_VARS } from './vars.js';
