/**
 * Every platform the bot can run on. `adapters/main.ts` walks this list: it starts each one the
 * configuration enables (or the console when none is) and routes scheduled posts to it. A new
 * platform is a folder under adapters/ with a `Platform` (src/platform.ts) and one line here.
 */
import type { Platform } from '../src/index.ts';
import { consolePlatform } from './console/platform.ts';
import { discord } from './discord/platform.ts';
import { telegram } from './telegram/platform.ts';

export const PLATFORMS: readonly Platform[] = [telegram, discord, consolePlatform];
