import { describe } from 'vitest';
import { LocalConnection } from '../../../src/engine/transport/local.js';
import { connectionContract } from './connection-contract.js';

describe('LocalConnection', () => {
  const conn = new LocalConnection('localhost');
  connectionContract(() => conn);
});
