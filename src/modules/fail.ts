/** fail: fails the task with a message; runs on the controller. Usually guarded by `when`. */
import { defineModule, ModuleFailure, Type } from '../engine/module.js';

const params = Type.Object(
  {
    msg: Type.Unknown({ default: 'Failed as requested from task', description: 'The failure message (text or any value).' }),
  },
  { additionalProperties: false },
);

export default defineModule({
  name: 'fail',
  description: 'Fails the task with a custom message.',
  params,
  controllerOnly: true,
  async check(_ctx, p) {
    const msg = typeof p.msg === 'string' ? p.msg : JSON.stringify(p.msg);
    throw new ModuleFailure(msg, { msg: p.msg });
  },
});
