/** The test lab: real Debian hosts in containers for the suite. See docs/testing.md. */
export { startHosts, type LabHost, type LabExecResult, type StartHostsOptions } from './hosts.js';
export { dockerInventory } from './inventory.js';
export { labAvailable } from './available.js';
export { labImage, labTag, type LabKind } from './images.js';
export { startSshHosts, createSshKey, createLabNetwork, removeSshKey, type SshLabHost, type SshKeyPair } from './ssh-hosts.js';
