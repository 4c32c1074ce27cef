/** Discord's limits, apart from discord.js so the platform's description loads without it. */

/** Discord's message limits (https://discord.com/developers/docs/resources/message). */
export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  footer: 2048,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  rows: 5,
  buttonsPerRow: 5,
  label: 80,
  url: 512,
} as const;

/** Items per list answer: five embeds stay readable and leave room within the 6000-character total. */
export const PAGE_SIZE = 5;
