#!/usr/bin/env node
// Runs the bundle of the TypeScript sources (bin/bundle.js builds it when a source changed).
import { bundledMain } from './bundle.js';

const { main } = await import(await bundledMain());
process.exitCode = await main(process.argv.slice(2));
