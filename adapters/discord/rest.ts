/** The discord.js REST client for our configuration, shared by registration and the publisher. */
import { REST } from 'discord.js';
import type { Config } from '../../src/config.ts';

/** Raised when Discord is used without the configuration it needs. */
export class DiscordConfigError extends Error {
  override name = 'DiscordConfigError';
}

/** Token and application id, checked once (the config schema already pairs them). */
export function discordCredentials(config: Config): { token: string; applicationId: string } {
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) {
    throw new DiscordConfigError('Discord: DISCORD_TOKEN and DISCORD_APPLICATION_ID must both be set');
  }
  return { token: config.DISCORD_TOKEN, applicationId: config.DISCORD_APPLICATION_ID };
}

/** discord.js REST options: `DISCORD_API_BASE` moves every API call (and so the gateway URL). */
export function restOptions(config: Config): { api?: string } {
  return config.DISCORD_API_BASE ? { api: config.DISCORD_API_BASE } : {};
}

/** A REST client with the bot token set; rate limits are queued and retried by discord.js. */
export function createRest(config: Config): REST {
  return new REST(restOptions(config)).setToken(discordCredentials(config).token);
}
