/**
 * tsplay's public API for writing project modules (`modules/<name>.ts`):
 *
 *   import { defineModule, Type } from 'tsplay';
 *   export default defineModule({ name: 'hello', description: '...', params: Type.Object({...}), check, apply });
 */
export {
  defineModule,
  Type,
  ModuleFailure,
  quote,
  sh,
  type ApplyContext,
  type ApplyOutcome,
  type AnyModule,
  type CommandOptions,
  type CommandResult,
  type ControllerFiles,
  type Diff,
  type FileInfo,
  type HostContext,
  type ModuleDefinition,
  type Plan,
  type ChangedPlan,
  type UnchangedPlan,
  type Probe,
  defineProbe,
  type Static,
  type TSchema,
} from './engine/module.js';
export { Secret } from './engine/secret.js';
