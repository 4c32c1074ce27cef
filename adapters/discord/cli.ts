/**
 * `briefings discord:register`: registers the slash commands with Discord (guild: at once; global
 * otherwise). Contributed to the command line through the Platform port.
 */
import { parseArgs } from 'node:util';
import { type CliCommand, createBriefings, createLogger, loadConfig, loadEngine } from '../../src/index.ts';

export const discordRegisterCommand: CliCommand = {
  name: 'discord:register',
  usage: 'discord:register [--guild <id>]',
  description: 'register the slash commands (guild: instant; global otherwise)',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { guild: { type: 'string' } } });
    const config = loadConfig(io.env);
    if (!config.DISCORD_TOKEN) {
      io.stderr('DISCORD_TOKEN: is required to register commands (with DISCORD_APPLICATION_ID)\n');
      return 2;
    }
    const logger = createLogger(io.env.LOG_LEVEL ? config.LOG_LEVEL : 'warn');
    const { engine } = await loadEngine({
      contentDir: config.CONTENT_DIR,
      dataDir: config.DATA_DIR,
      maxFileBytes: config.CONTENT_MAX_FILE_MB * 2 ** 20,
      logger,
    });
    const { registerCommands } = await import('./index.ts');
    const report = await registerCommands({
      config,
      briefings: createBriefings(engine),
      logger,
      guildId: values.guild,
    });
    io.stdout(`${report.summary}\n`);
    return 0;
  },
};
