export { ControlApiError, requestControl } from './control-client.js';
export { startControlServer } from './control-server.js';
export type { ControlServer, ControlTarget } from './control-server.js';
