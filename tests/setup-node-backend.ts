// Tests run the engine on tfjs's WASM backend, as the CLI does (tfjs-node cannot install here).
import { useNodeBackend } from '../src/cli/backend';

await useNodeBackend('wasm');
