/** The fake Discord's permission model, checked against Discord's documented order of overwrites. */
import { describe, expect, it } from 'vitest';
import { FakeGuilds, PERMISSIONS as P } from '../fakes/discord/guilds.ts';

const BOT = '900';
const GUILD = '1000';

function server() {
  const guilds = new FakeGuilds(BOT);
  const guild = guilds.add({
    id: GUILD,
    name: 'g',
    ownerId: '1',
    roles: [
      { id: GUILD, name: '@everyone', permissions: P.ViewChannel | P.SendMessages },
      { id: '11', name: 'embedders', permissions: P.EmbedLinks },
      { id: '12', name: 'admins', permissions: P.Administrator },
    ],
    channels: [
      {
        id: '20',
        name: 'c',
        type: 0,
        overwrites: [
          { id: GUILD, type: 0, deny: P.SendMessages },
          { id: '11', type: 0, allow: P.SendMessages },
          { id: BOT, type: 1, deny: P.EmbedLinks },
        ],
      },
      { id: '21', name: 'hidden', type: 0, overwrites: [{ id: GUILD, type: 0, deny: P.ViewChannel }] },
    ],
    botRoles: ['11'],
  });
  return { guilds, guild };
}

describe('fake Discord permissions', () => {
  it('applies @everyone, then role, then member overwrites', () => {
    const { guilds, guild } = server();
    const [c, hidden] = guild.channels;
    const bot = guilds.permissions(guild, BOT, c);
    expect(bot & P.SendMessages).toBe(P.SendMessages); // role allow beats @everyone deny
    expect(bot & P.EmbedLinks).toBe(0n); // member deny beats role grant
    guild.members.set('2', []);
    expect(guilds.permissions(guild, '2', c) & P.SendMessages).toBe(0n);
    expect(guilds.permissions(guild, '2', hidden)).toBe(0n); // no View Channel: nothing
    guild.members.set('3', ['12']);
    expect(guilds.permissions(guild, '3', hidden) & P.ManageChannels).toBe(P.ManageChannels); // administrator
  });

  it('refuses posts the way Discord does: Missing Access without view, Missing Permissions without send or embed', () => {
    const { guilds } = server();
    expect(guilds.refusePost('21', { content: 'x' })?.body).toMatchObject({ code: 50001 });
    expect(guilds.refusePost('20', { content: 'x' })).toBeUndefined();
    expect(guilds.refusePost('20', { embeds: [{ title: 't' }] })?.body).toMatchObject({ code: 50013 });
  });
});
