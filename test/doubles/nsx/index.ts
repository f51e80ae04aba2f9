/** NSX-T 4.2 Policy API emulator for tests (see README.md). */
export { startNsxEmulator, type NsxEmulator, type NsxEmulatorOptions, type LoggedRequest } from './server.js';
export type { FaultSpec } from './faults.js';
export type { NsxErrorBody } from './errors.js';
export type { VmSpec, VmNic } from './fabric.js';
