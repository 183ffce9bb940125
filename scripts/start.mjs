// `npm start`: builds the client and server when the build is missing or older than the sources,
// then runs the production server.
import { pathToFileURL } from 'node:url';
import { ensureBuild, serverEntry } from './ensureBuild.mjs';

ensureBuild();
process.env.NODE_ENV ??= 'production';
await import(pathToFileURL(serverEntry).href);
