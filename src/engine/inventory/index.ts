/** Inventories: loading, merged variables, host patterns, connection settings. */
export { loadInventory, localhostInventory, type LoadInventoryOptions } from './load.js';
export { Inventory } from './inventory.js';
export type { InventoryData, InventoryGroup, InventoryHost, ReadYaml, Vars, VarsDir } from './model.js';
export { LOCALHOST_NAMES } from './model.js';
export { hostVariables, groupNamesOf, groupsMap } from './queries.js';
export { matchHosts, splitHostPattern, type HostMatch } from './patterns.js';
export { connectionSettings, connectionVar, CONNECTION_VARS, type ConnectionVarName } from './connection.js';
export { inventoryView } from './view.js';
export { inventoryList, inventoryGraph, toAnsibleJson, type InventoryList } from './ansible-output.js';
export { HostPatternError, ConnectionVarError } from './errors.js';
export { expandHostRange, parseHostKey } from './host-range.js';
