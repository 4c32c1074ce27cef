// `npm run dev`: the sources through tsx, whose watch mode restarts the bot when one changes
// (bin/briefings.js runs the bundle instead, which tsx would watch in their place).
import { main } from '../adapters/main.ts';

process.exitCode = await main(process.argv.slice(2));
