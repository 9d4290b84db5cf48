import { ensureServerBuild } from './processes.js';

/** Compile the server once before any test file starts real server processes. */
export default function setup() {
  ensureServerBuild();
}
