import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GAZETTEER_FILE, loadEngine } from '../../src/content/load.ts';
import {
  articleRuns,
  articlesOfRuns,
  loadEngineOffThread,
  type OffThreadLoader,
  offThreadLoader,
} from '../../src/content/off-thread.ts';
import { loadContent, plainArticle } from '../../src/content/read.ts';
import { type ContentReload, type ContentWatcher, watchContent } from '../../src/content/watch.ts';
import { silentLogger } from '../../src/logger.ts';
import { Engine } from '../../src/search/engine.ts';
import type { Scorer } from '../../src/search/ranking.ts';
import type { Article } from '../../src/types.ts';

const CONTENT = path.resolve(import.meta.dirname, '../../content');

const QUERIES = [
  'mexico strike',
  'teachers',
  'oaxaca teachers march',
  'huelga de maestros',
  'revolu',
  'zapatistas chiapas',
  'what happened in atenco',
  'live report',
  'revolutoinary',
  'oaxca',
];

const markdown = (
  id: string,
  title: string,
  body = 'Strikes spread across Mexico as teachers march in Oaxaca.',
) =>
  `---\nid: ${id}\ntitle: ${title}\ndate: 2026-11-20\nurl: https://example.org/${id}\ntopics: [mexico]\n---\n\n${body}\n`;

/** An engine's index as the tests look into it: its terms, in order, and its term → id map. */
const indexOf = (e: Engine) =>
  (e as unknown as { index: { terms: string[]; idsCache?: Map<string, number> } }).index;

/** Everything a user sees of an answer: ids, scores, strictness, and the counts. */
function answers(engine: Engine) {
  return QUERIES.flatMap((q) => [
    engine.search(q, { limit: 20 }),
    engine.search(q, { limit: 20, language: 'es' }),
    engine.latest(q, { limit: 20 }),
    engine.brief(q, { limit: 20 }),
  ]).map((page) => ({
    total: page.total,
    hits: page.hits.map((h) => [h.article.id, h.score, h.strict, h.passage ?? -1]),
    unmatched: page.unmatched,
  }));
}

/** Runs `body` with a loader of its own, closed afterwards. */
async function withLoader(body: (loader: OffThreadLoader) => Promise<void>): Promise<void> {
  const loader = offThreadLoader();
  try {
    await body(loader);
  } finally {
    await loader.close();
  }
}

describe('the articles of a hand-over as runs', () => {
  it('give back the list the positions describe, and which previous articles were kept', () => {
    const article = (id: string) => ({ id }) as Article;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.array(fc.integer({ min: -1, max: 40 }), { maxLength: 40 }),
        (previousCount, picks) => {
          const previous = Array.from({ length: previousCount }, (_, i) => article(`p${i}`));
          // Each previous article at most once, in any order; the others fresh.
          const used = new Set<number>();
          const positions = picks.map((p) =>
            p >= 0 && p < previousCount && !used.has(p) && used.add(p) ? p : -1,
          );
          const fresh = positions.filter((p) => p < 0).map((_, k) => article(`f${k}`));
          let k = 0;
          const expected = positions.map((p) => (p >= 0 ? previous[p] : fresh[k++]));
          const runs = articleRuns(positions);
          const { articles, kept } = articlesOfRuns(runs, previous, fresh);
          expect(articles).toEqual(expected);
          for (const [i, a] of articles.entries()) expect(a).toBe(expected[i]);
          expect([...kept]).toEqual(previous.map((_, i) => (used.has(i) ? 1 : 0)));
          // Consecutive positions make one run: a list kept whole and one article added are two.
          const starts = positions.filter((p, i) => {
            const before = positions[i - 1];
            return before === undefined || (p < 0 ? before >= 0 : before < 0 || before + 1 !== p);
          });
          expect(runs.length).toBe(2 * starts.length);
        },
      ),
    );
    expect([...articleRuns([0, 1, 2, -1, 3, 4])]).toEqual([0, 3, -1, 1, 3, 2]);
    expect([...articleRuns([-1, -1, 5, 6, 2])]).toEqual([-1, 2, 5, 2, 2, 1]);
  });

  it('refuse runs that do not add up', () => {
    const previous = [{ id: 'a' }, { id: 'b' }] as Article[];
    const fresh = [{ id: 'c' }] as Article[];
    expect(() => articlesOfRuns(Int32Array.from([0, 3]), previous, fresh)).toThrow(/add up/);
    expect(() => articlesOfRuns(Int32Array.from([-1, 2]), previous, fresh)).toThrow(/add up/);
    expect(() => articlesOfRuns(Int32Array.from([0, 2]), previous, fresh)).toThrow(/add up/);
    expect(() => articlesOfRuns(Int32Array.from([0, 0, -1, 1]), previous, fresh)).toThrow(/add up/);
  });
});

describe('loading content on a worker thread', () => {
  let dir: string;
  let contentDir: string;
  let dataDir: string;
  let watcher: ContentWatcher | undefined;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'briefings-offthread-'));
    contentDir = path.join(dir, 'content');
    dataDir = path.join(dir, 'data');
    cpSync(CONTENT, contentDir, { recursive: true });
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** Watches the content for `engine`, recording each reload; file events wait `debounceMs`. */
  const watching = (engine: Engine, debounceMs = 60_000) => {
    const reloads: ContentReload[] = [];
    const live = watchContent({
      contentDir,
      dataDir,
      logger: silentLogger,
      current: engine,
      debounceMs,
      onReload: (r) => {
        reloads.push(r);
      },
    });
    watcher = live;
    return { live, reloads };
  };

  /** The shared memory an engine's index is in (see content/arena.ts). */
  const arenaOf = (e: Engine) =>
    (indexOf(e) as unknown as { fields: { docs: Uint32Array }[] }).fields[0]?.docs
      .buffer as SharedArrayBuffer;
  /** Whether a byte written through one engine's memory is read through the other's. */
  const shareMemory = (a: Engine, b: Engine) => {
    const [x, y] = [new Uint8Array(arenaOf(a)), new Uint8Array(arenaOf(b))];
    const last = x.length - 1;
    if (last !== y.length - 1) return false;
    x[last] = ((y[last] as number) + 1) % 256;
    return x[last] === y[last];
  };

  it('gives the same engine and answers as a full build on this thread, after adding articles', async () => {
    for (let i = 0; i < 12; i++)
      writeFileSync(
        path.join(contentDir, `live-${i}.md`),
        markdown(
          `live-${i}`,
          `Live report ${i}`,
          `Live report ${i}: teachers march in Oaxaca, strike day ${i}.`,
        ),
      );
    const off = await loadEngineOffThread({ contentDir, dataDir });
    const full = Engine.build(await loadContent(contentDir));
    expect(off.engine.version).toBe(full.version);
    expect(off.engine.articles).toEqual(full.articles);
    expect(off.engine.topics()).toEqual(full.topics());
    expect(answers(off.engine)).toEqual(answers(full));
    // Date order, topic lists and twins come made from the worker: every topic's list as built here.
    const lists = (engine: Engine) =>
      [...engine.topics(), undefined].map((t) =>
        engine.latest(t?.name ?? '', { limit: 100 }).hits.map((h) => h.article.id),
      );
    expect(lists(off.engine)).toEqual(lists(full));
    expect(off.engine.search('live report', { limit: 20 }).hits.map((h) => h.article.id)).toContain(
      'live-11',
    );
  });

  it('writes the same caches loadEngine reads back, and reports problems', async () => {
    writeFileSync(path.join(contentDir, 'broken.md'), '---\ntitle: no date, no url\n---\n\nText.\n');
    const off = await loadEngineOffThread({ contentDir, dataDir });
    expect(off.problems.some((p) => p.file === 'broken.md' && p.outcome === 'file skipped')).toBe(true);
    expect(existsSync(path.join(dataDir, 'snapshot.bin'))).toBe(true);
    // A restart reads that snapshot: same articles, same answers, same problems.
    const again = await loadEngine({ contentDir, dataDir });
    expect(again.parsed).toBe(0);
    expect(again.engine.articles.map(plainArticle)).toEqual(off.engine.articles);
    expect(answers(again.engine)).toEqual(answers(off.engine));
    expect(again.problems.map((p) => p.file)).toEqual(off.problems.map((p) => p.file));
  });

  it("rejects with the worker's error when the content cannot load", async () => {
    unlinkSync(path.join(contentDir, GAZETTEER_FILE));
    await expect(loadEngineOffThread({ contentDir })).rejects.toThrow(/gazetteer\.yaml/);
  });

  it.runIf(process.platform === 'linux')(
    "runs a background loader's worker below the serving thread's priority",
    async () => {
      // Nice values of this process's threads (the 19th field of each task's stat, after the name).
      const nices = () =>
        readdirSync('/proc/self/task').map((tid) => {
          const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
        });
      const own = nices()[0];
      const loader = offThreadLoader({ background: true });
      try {
        await loader.load({ contentDir, dataDir });
        expect(nices().filter((n) => n === 10)).toHaveLength(1);
        expect(nices()[0]).toBe(own);
      } finally {
        await loader.close();
      }
    },
  );

  it('keeps one worker across loads, and survives a load that fails', async () => {
    await withLoader(async (loader) => {
      const first = await loader.load({ contentDir, dataDir });
      writeFileSync(path.join(contentDir, 'second.md'), markdown('second', 'Second load'));
      const second = await loader.load({ contentDir, dataDir });
      expect(second.engine.size).toBe(first.engine.size + 1);
      expect(second.engine.article('second')?.title).toBe('Second load');
      // Unchanged articles are not sent again: the second engine shares the first one's records.
      const kept = first.engine.articles[0];
      expect(second.engine.article(kept?.id ?? '')).toBe(kept);
      // A file written again as it was: nothing is handed over, the engine held is the answer.
      writeFileSync(path.join(contentDir, 'second.md'), markdown('second', 'Second load'));
      const same = await loader.load({ contentDir, dataDir });
      expect(same.engine).toBe(second.engine);
      expect(same.changes).toMatchObject({ added: [], removed: [] });
      // And the load after it hands over what changed since, as ever.
      writeFileSync(path.join(contentDir, 'third.md'), markdown('third', 'Third load'));
      const third = await loader.load({ contentDir, dataDir });
      expect(third.changes?.added).toEqual(['third']);
      expect(answers(third.engine)).toEqual(answers(Engine.build(await loadContent(contentDir))));
      const gazetteer = readFileSync(path.join(contentDir, GAZETTEER_FILE));
      unlinkSync(path.join(contentDir, GAZETTEER_FILE));
      await expect(loader.load({ contentDir })).rejects.toThrow(/gazetteer\.yaml/);
      writeFileSync(path.join(contentDir, GAZETTEER_FILE), gazetteer);
      // Two loads asked at once run one after the other, each answered.
      const [a, b] = await Promise.all([loader.load({ contentDir }), loader.load({ contentDir, dataDir })]);
      expect(a.engine.version).toBe(third.engine.version);
      expect(answers(b.engine)).toEqual(answers(third.engine));
    });
  });

  it('reflects added, edited and removed files through the watcher, reporting each new id once', async () => {
    const { engine } = await loadEngine({ contentDir, dataDir });
    // Reloads are asked for explicitly here; the next test goes through file events.
    const { live, reloads } = watching(engine);
    writeFileSync(path.join(contentDir, 'edit-me.md'), markdown('edit-me', 'Teachers strike again'));
    writeFileSync(path.join(contentDir, 'remove-me.md'), markdown('remove-me', 'A short-lived report'));
    const first = await live.reload();
    expect(first?.added.sort()).toEqual(['edit-me', 'remove-me']);

    writeFileSync(
      path.join(contentDir, 'edit-me.md'),
      markdown('edit-me', 'Nurses walk out in Puebla', 'Nurses walked out of hospitals in Puebla.'),
    );
    unlinkSync(path.join(contentDir, 'remove-me.md'));
    const second = await live.reload();
    expect(second?.added).toEqual([]);
    expect(second?.removed).toEqual(['remove-me']);
    const current = second?.engine as Engine;
    expect(current.article('remove-me')).toBeUndefined();
    expect(current.article('edit-me')?.title).toBe('Nurses walk out in Puebla');
    expect(current.search('nurses puebla').hits[0]?.article.id).toBe('edit-me');
    expect(current.search('short-lived').hits.map((h) => h.article.id)).not.toContain('remove-me');
    // Same answers as a full build of what is on disk now.
    expect(answers(current)).toEqual(answers(Engine.build(await loadContent(contentDir))));

    // Nothing changed: no reload reported, so no alert sees an article twice.
    expect(await live.reload()).toBeUndefined();
    const addedIds = reloads.flatMap((r) => r.added);
    expect(addedIds.filter((id) => id === 'edit-me')).toHaveLength(1);
    expect(new Set(addedIds).size).toBe(addedIds.length);

    // The snapshot on disk (written once the watcher's worker ends, at the latest) matches the
    // files: a restart serves the edited article without parsing.
    await live.close();
    watcher = undefined;
    const restarted = await loadEngine({ contentDir, dataDir });
    expect(restarted.parsed).toBe(0);
    expect(restarted.engine.version).toBe(current.version);
    expect(restarted.engine.article('edit-me')?.title).toBe('Nurses walk out in Puebla');
    expect(restarted.content.fingerprint).toBe((await loadContent(contentDir)).fingerprint);
  });

  it('readies a new engine from what the serving one used, answering edited, added and removed articles as a fresh build', async () => {
    writeFileSync(path.join(contentDir, 'edit-me.md'), markdown('edit-me', 'Teachers strike again'));
    writeFileSync(path.join(contentDir, 'remove-me.md'), markdown('remove-me', 'A short-lived report'));
    const { engine } = await loadEngine({ contentDir, dataDir });
    // Pruned rankings even on this small archive: they make the per-term structures (best-first
    // orders, story sets) a reload must not carry over stale.
    engine.pruneFrom = 0;
    const { live } = watching(engine);
    // The serving engine is used: words, typos and prefixes, topic lists and themes, ids, titles.
    const use = (e: Engine) => ({
      answers: answers(e),
      edited: ['teachers strike', 'teachers', 'nurses puebla', 'short-lived', 'strike'].map((q) =>
        e.search(q, { limit: 50 }).hits.map((h) => [h.article.id, h.score]),
      ),
      briefs: e.topics().map((t) => [t.id, e.brief(t.id).themes.map((th) => th.id), e.latest(t.id).total]),
      suggested: e.suggest('tea').map((c) => c.value),
      ids: ['edit-me', 'remove-me', 'added'].map((id) => e.article(id)?.title),
    });
    use(engine);
    const usedBefore = (engine as unknown as { scorer: Scorer }).scorer.usedTerms();
    expect(usedBefore.map(([t]) => t)).toContain('teacher');

    writeFileSync(
      path.join(contentDir, 'edit-me.md'),
      markdown('edit-me', 'Nurses walk out in Puebla', 'Nurses walked out of hospitals in Puebla.'),
    );
    unlinkSync(path.join(contentDir, 'remove-me.md'));
    writeFileSync(path.join(contentDir, 'added.md'), markdown('added', 'Teachers strike in Puebla'));
    const reload = await live.reload();
    const next = reload?.engine as Engine;
    expect(reload?.added).toEqual(['added']);
    expect(reload?.removed).toEqual(['remove-me']);
    // Made before it served: the structures of the terms the engine it replaced used.
    const ready = (next as unknown as { scorerBuilt?: Scorer }).scorerBuilt;
    expect(ready?.usedTerms().map(([t]) => t)).toContain('teacher');
    // Ids were asked of the engine replaced: the new one's id table is made too.
    expect((next as unknown as { idsBuilt?: Int32Array }).idsBuilt).toBeDefined();
    expect(next.article('added')?.title).toBe('Teachers strike in Puebla');
    next.pruneFrom = 0;
    const fresh = Engine.build(await loadContent(contentDir));
    fresh.pruneFrom = 0;
    const got = use(next);
    expect(got).toEqual(use(fresh));
    expect(got.ids).toEqual(['Nurses walk out in Puebla', undefined, 'Teachers strike in Puebla']);
    expect(got.edited[2]?.[0]?.[0]).toBe('edit-me');
    expect(got.edited[3]?.map(([id]) => id)).not.toContain('remove-me');
    expect(got.edited[0]?.map(([id]) => id)).toContain('added');
    expect(got.edited[0]?.map(([id]) => id)).not.toContain('edit-me');
  });

  it('continues the terms of the engine served from reload to reload, and retires the engine it replaces', async () => {
    writeFileSync(
      path.join(contentDir, 'remove-me.md'),
      markdown('remove-me', 'Axolotls', 'Axolotls in Xochimilco.'),
    );
    const { engine } = await loadEngine({ contentDir, dataDir });
    const { live } = watching(engine);
    const words = [
      'quokka',
      'bilbies',
      'numbats',
      'zyzzyva',
      'wallabies',
      'dingoes',
      'platypuses',
      'axolotls',
      'xochimilco',
      'quok',
      'zyzzyva teachers',
    ];
    const page = (e: Engine) =>
      words.map((q) => {
        const { total, hits } = e.search(q, { limit: 50 });
        return [total, hits.map((h) => [h.article.id, h.score, h.strict])];
      });
    let served = engine;
    // Each step: a file written or removed; the reloaded engine answers as a fresh build does, and
    // so does the engine it replaced, now through it (its memory may hold the next reload's).
    const write = (id: string, title: string, body?: string) => () =>
      writeFileSync(path.join(contentDir, `${id}.md`), markdown(id, title, body));
    const steps: [string, () => void, boolean][] = [
      ['added', write('added', 'Quokka sighted', 'Quokkas, numbats and bilbies.'), true],
      ['another', write('another', 'Zyzzyva teachers', 'Wallabies, dingoes and platypuses.'), true],
      // Its words go with it: the terms are numbered again and nothing is continued.
      ['removed', () => unlinkSync(path.join(contentDir, 'remove-me.md')), false],
      ['again', write('again', 'Quokka teachers'), true],
    ];
    for (const [name, change, continued] of steps) {
      change();
      const next = (await live.reload())?.engine as Engine;
      expect(next, name).toBeDefined();
      expect(page(next), name).toEqual(page(Engine.build(await loadContent(contentDir))));
      expect([page(served), answers(served)], name).toEqual([page(next), answers(next)]);
      if (served !== engine) {
        // From the second reload on, the engine served came from the worker, whose terms go on.
        const [was, now] = [indexOf(served), indexOf(next)];
        expect(
          now.terms.slice(0, was.terms.length).every((t, i) => t === was.terms[i]),
          name,
        ).toBe(continued);
        expect(now.idsCache !== undefined && now.idsCache === was.idsCache, name).toBe(continued);
      }
      served = next;
    }
  });

  it('leaves an engine answering as before while the next load continues its terms, until it is retired', async () => {
    await withLoader(async (loader) => {
      const first = (await loader.load({ contentDir, dataDir })).engine;
      const before = answers(first);
      writeFileSync(
        path.join(contentDir, 'quokka.md'),
        markdown('quokka', 'Quokka teachers', 'Quokkas march.'),
      );
      const second = (await loader.load({ contentDir, dataDir }, first)).engine;
      expect(indexOf(second).idsCache).toBe(indexOf(first).idsCache);
      // The new terms are not its own: asked again, not answered from memory, it answers as before.
      first.forgetAnswers();
      expect(answers(first)).toEqual(before);
      expect(first.search('quokka').total).toBe(0);
      loader.retire(first, () => second);
      expect(first.search('quokka').hits.map((h) => h.article.id)).toEqual(['quokka']);
      expect(answers(first)).toEqual(answers(second));
    });
  });

  it("writes a later hand-over into a retired engine's memory, and never into that of an engine in use", async () => {
    const write = (id: string) =>
      writeFileSync(
        path.join(contentDir, `${id}.md`),
        markdown(id, `Report ${id}`, `Teachers march, report ${id}.`),
      );
    await withLoader(async (loader) => {
      const first = (await loader.load({ contentDir, dataDir })).engine;
      expect(arenaOf(first)).toBeInstanceOf(SharedArrayBuffer);
      write('one');
      const second = (await loader.load({ contentDir, dataDir }, first)).engine;
      expect(shareMemory(first, second)).toBe(false);
      write('two');
      const third = (await loader.load({ contentDir, dataDir }, second)).engine;
      // Neither of the engines not retired lent its memory.
      expect(shareMemory(first, third) || shareMemory(second, third)).toBe(false);
      loader.retire(first, () => third);
      loader.retire(second, () => third);
      write('three');
      const fourth = (await loader.load({ contentDir, dataDir }, third)).engine;
      expect(shareMemory(first, fourth) || shareMemory(second, fourth)).toBe(true);
      expect(shareMemory(third, fourth)).toBe(false);
      // The retired engines, whose memory now holds the fourth's arrays, answer as their successor.
      const fresh = answers(Engine.build(await loadContent(contentDir)));
      expect(answers(fourth)).toEqual(fresh);
      expect(answers(first)).toEqual(answers(third));
      expect(answers(second)).toEqual(answers(third));
    });
  });

  it('never lets an engine of a worker since replaced release memory the new worker lent', async () => {
    await withLoader(async (loader) => {
      const first = (await loader.load({ contentDir, dataDir })).engine;
      // The worker ends (as one that died would be replaced): the next load starts another, whose
      // arenas are numbered afresh.
      await loader.close();
      const second = (await loader.load({ contentDir, dataDir })).engine;
      const before = answers(second);
      loader.retire(first, () => second);
      writeFileSync(path.join(contentDir, 'after.md'), markdown('after', 'After the new worker'));
      const third = (await loader.load({ contentDir, dataDir }, second)).engine;
      expect(shareMemory(second, third)).toBe(false);
      // Asked again, not answered from memory: the engine in use answers as it did.
      second.forgetAnswers();
      expect(answers(second)).toEqual(before);
    });
  });

  it('keeps no retired engine alive through those that replaced it', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { engine } = await loadEngine({ contentDir, dataDir });
    const live = watchContent({
      contentDir,
      dataDir,
      logger: silentLogger,
      current: engine,
      debounceMs: 60_000,
      onReload: () => {},
    });
    watcher = live;
    const retired: WeakRef<Engine>[] = [];
    let served = engine;
    for (let k = 0; k < 4; k++) {
      writeFileSync(path.join(contentDir, `grow-${k}.md`), markdown(`grow-${k}`, `Wombats ${k}`));
      const next = (await live.reload())?.engine as Engine;
      expect(next).toBeDefined();
      if (served !== engine) retired.push(new WeakRef(served));
      served = next;
    }
    // A weak reference holds its engine until the job that made it ends.
    for (let round = 0; round < 2; round++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(retired.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    // The first engine, still held here, answers as the one serving.
    expect(engine.search('wombats').total).toBe(4);
  });

  it("keeps the served engine's topic matcher while the gazetteer is unchanged, and makes a new one when it changes", async () => {
    await withLoader(async (loader) => {
      const first = (await loader.load({ contentDir, dataDir })).engine;
      writeFileSync(path.join(contentDir, 'added.md'), markdown('added', 'Teachers strike in Puebla'));
      const second = (await loader.load({ contentDir, dataDir })).engine;
      expect(second.article('added')).toBeDefined();
      expect(second.matcher).toBe(first.matcher);
      const file = path.join(contentDir, GAZETTEER_FILE);
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(
          'topics:\n',
          'topics:\n  - id: quokka-land\n    name: Quokka Land\n    kind: place\n    aliases: [quokkas]\n',
        ),
      );
      writeFileSync(path.join(contentDir, 'quokkas.md'), markdown('quokkas', 'Quokkas strike in Puebla'));
      const third = (await loader.load({ contentDir, dataDir })).engine;
      expect(third.matcher).not.toBe(second.matcher);
      expect(third.latest('quokka-land').hits.map((h) => h.article.id)).toEqual(['quokkas']);
      expect(third.latest('quokka-land')).toEqual(
        Engine.build(await loadContent(contentDir)).latest('quokka-land'),
      );
    });
  });

  it("continues from the prime the terms of an engine served from the worker's snapshot, and only of one numbered alike", async () => {
    await loadEngine({ contentDir, dataDir });
    // New words numbered last by the update the warm start makes, and written to the snapshot.
    writeFileSync(
      path.join(contentDir, 'novel.md'),
      markdown('novel', 'Aardvarks and zebus', 'Quaggas graze.'),
    );
    await loadEngine({ contentDir, dataDir });
    const fromSnapshot = (await loadEngine({ contentDir, dataDir })).engine;
    // The same content built afresh: the same terms, numbered otherwise.
    const rebuilt = Engine.build(await loadContent(contentDir));
    expect(rebuilt.version).toBe(fromSnapshot.version);
    expect(rebuilt.termsHash()).not.toBe(fromSnapshot.termsHash());
    // Each served engine against a copy of the same files and snapshot.
    const copies = [fromSnapshot, rebuilt].map((served, k) => {
      const copy = { contentDir: path.join(dir, `content-${k}`), dataDir: path.join(dir, `data-${k}`) };
      cpSync(contentDir, copy.contentDir, { recursive: true });
      cpSync(dataDir, copy.dataDir, { recursive: true });
      return { served, ...copy };
    });
    for (const { served, contentDir, dataDir } of copies) {
      const loader = offThreadLoader();
      try {
        expect(await loader.prime({ contentDir, dataDir }, served)).toBe(true);
        writeFileSync(path.join(contentDir, 'more.md'), markdown('more', 'Okapis', 'Okapis and quaggas.'));
        const next = (await loader.load({ contentDir, dataDir }, served)).engine;
        const continued = indexOf(next).terms.slice(0, indexOf(served).terms.length);
        if (served === fromSnapshot) {
          expect(continued).toEqual(indexOf(served).terms);
          expect(next.matcher).toBe(served.matcher);
        } else expect(next.matcher).not.toBe(served.matcher);
        expect(answers(next)).toEqual(answers(Engine.build(await loadContent(contentDir))));
      } finally {
        await loader.close();
      }
    }
  });

  it('makes on the worker the term structures the serving engine used, answering as a fresh build', async () => {
    await withLoader(async (loader) => {
      const serving = (await loader.load({ contentDir, dataDir })).engine;
      serving.pruneFrom = 0;
      answers(serving);
      for (const t of serving.topics()) serving.brief(t.id);
      const used = serving.used().terms;
      expect(used.map(([t]) => t)).toContain('teacher');
      writeFileSync(path.join(contentDir, 'added.md'), markdown('added', 'Teachers strike in Puebla'));
      const next = (await loader.load({ contentDir, dataDir }, serving)).engine;
      // The topic lists and themes the serving engine made come made too, each list by its key.
      const given = (next as unknown as { givenLists?: { key: string }[] }).givenLists?.map((l) => l.key);
      expect(given?.sort()).toEqual(
        serving
          .used()
          .lists.map(([key]) => key)
          .sort(),
      );
      expect(serving.used().lists.some(([, themed]) => themed)).toBe(true);
      // Not readied on this thread: the scorer, made now, holds them as it comes.
      next.warm();
      const made = (next as unknown as { scorerBuilt: Scorer }).scorerBuilt.usedTerms().map(([t]) => t);
      expect(made).toContain('teacher');
      expect(made.length).toBeGreaterThan(used.length / 2);
      next.pruneFrom = 0;
      const fresh = Engine.build(await loadContent(contentDir));
      fresh.pruneFrom = 0;
      expect(answers(next)).toEqual(answers(fresh));
      // Titles were not searched: the worker folded none. Once they are, the next load comes with them.
      const folded = (e: Engine) => (e as unknown as { foldedTitles?: unknown }).foldedTitles;
      expect(folded(next)).toBeUndefined();
      expect(next.suggest('teach')).toEqual(fresh.suggest('teach'));
      writeFileSync(path.join(contentDir, 'titled.md'), markdown('titled', 'Teaching unions march'));
      const titled = (await loader.load({ contentDir, dataDir }, next)).engine;
      expect(folded(titled)).toBeDefined();
      const suggested = titled.suggest('teach').map((c) => c.value);
      expect(suggested).toContain('titled');
      expect(suggested).toEqual(
        Engine.build(await loadContent(contentDir))
          .suggest('teach')
          .map((c) => c.value),
      );
      // Readied, it takes the lists and themes made on the worker: the same briefings as a fresh build.
      await next.prepare(serving);
      const briefs = (e: Engine) =>
        e
          .topics()
          .flatMap((t) =>
            (['en', 'es'] as const).map((language) => [
              t.id,
              e.brief(t.id, { language }).themes.map((th) => th.id),
              e.latest(t.id, { limit: 50, language }).hits.map((h) => h.article.id),
            ]),
          );
      expect(briefs(next)).toEqual(briefs(fresh));
      // No article was asked for by id: neither the worker nor readying makes an id table, until
      // one is; then readying makes it, and the worker makes it for the next load.
      const idTable = (e: Engine) => (e as unknown as { idsBuilt?: Int32Array }).idsBuilt;
      writeFileSync(path.join(contentDir, 'later.md'), markdown('later', 'Later report'));
      const later = (await loader.load({ contentDir, dataDir }, next)).engine;
      await later.prepare(next);
      expect(idTable(later)).toBeUndefined();
      expect(next.article('added')?.title).toBe('Teachers strike in Puebla');
      await later.prepare(next);
      expect(idTable(later)).toBeDefined();
      writeFileSync(path.join(contentDir, 'last.md'), markdown('last', 'Last report'));
      const last = (await loader.load({ contentDir, dataDir }, later)).engine;
      expect(idTable(last)).toBeDefined();
      expect(last.article('last')?.title).toBe('Last report');
      expect(last.article('later')?.title).toBe('Later report');
      expect(last.article('no-such-article')).toBeUndefined();
    });
  });

  it('readies an engine in slices, letting the event loop turn between them', async () => {
    const content = await loadContent(contentDir);
    const previous = Engine.build(content);
    previous.pruneFrom = 0;
    answers(previous);
    for (const t of previous.topics()) previous.brief(t.id);
    previous.suggest('tea');
    const next = Engine.build(content);
    let turns = 0;
    let done = false;
    const tick = () => {
      turns++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    await next.prepare(previous, 0);
    done = true;
    // Made at once, it would let the loop turn once at most.
    expect(turns).toBeGreaterThan(5);
    next.pruneFrom = 0;
    expect(answers(next)).toEqual(answers(previous));
  });

  it("is ready once its worker has loaded what is served, and the first reload sends only what follows the served engine's terms", async () => {
    await loadEngine({ contentDir, dataDir });
    const { engine } = await loadEngine({ contentDir, dataDir });
    const { live } = watching(engine);
    await live.ready();
    writeFileSync(path.join(contentDir, 'added.md'), markdown('added', 'Aardvarks strike', 'Zebus too.'));
    const next = (await live.reload())?.engine as Engine;
    const terms = indexOf(engine).terms;
    expect(indexOf(next).terms.slice(0, terms.length)).toEqual(terms);
    expect(indexOf(next).terms).toContain('aardvark');
    // The gazetteer was not sent again: the served engine's topic matcher is kept.
    expect(next.matcher).toBe(engine.matcher);
    expect(answers(next)).toEqual(answers(Engine.build(await loadContent(contentDir))));
  });

  it('keeps answering on this thread while a reload runs, and reloads on file events', async () => {
    const { engine } = await loadEngine({ contentDir, dataDir });
    const { reloads } = watching(engine, 100);
    writeFileSync(path.join(contentDir, 'late.md'), markdown('late', 'Late news'));
    // The event loop turns while the worker loads: timers fire and queries are answered.
    let turns = 0;
    while (reloads.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(engine.search('teachers').total).toBeGreaterThan(0);
      turns++;
      if (turns > 4000) throw new Error('reload did not finish');
    }
    expect(reloads.map((r) => r.added)).toEqual([['late']]);
    expect(reloads[0]?.engine.article('late')?.title).toBe('Late news');
    expect(turns).toBeGreaterThan(1);
  });

  it('picks up, right after start, a file edited in place that the warm start did not see', async () => {
    const file = path.join(contentDir, 'edited.md');
    writeFileSync(file, markdown('edited', 'Teachers strike in Oaxaca'));
    const time = new Date('2024-01-01T00:00:00Z');
    utimesSync(contentDir, time, time);
    await loadEngine({ contentDir, dataDir });
    // Edited in place (its directory's time unchanged): the warm start trusts the snapshot.
    writeFileSync(file, markdown('edited', 'Miners strike in Sonora!!!'));
    utimesSync(contentDir, time, time);
    const { engine, parsed } = await loadEngine({ contentDir, dataDir });
    expect(parsed).toBe(0);
    expect(engine.article('edited')?.title).toBe('Teachers strike in Oaxaca');
    // The watcher's worker states every file once it starts, and reloads on its own.
    const { reloads } = watching(engine);
    for (let i = 0; i < 1000 && reloads.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(reloads[0]?.engine.article('edited')?.title).toBe('Miners strike in Sonora!!!');
    expect(reloads[0]?.added).toEqual([]);
    // Only the edited article crossed threads: the others are the records already served.
    const kept = engine.articles.find((a) => a.id !== 'edited');
    expect(reloads[0]?.engine.article(kept?.id ?? '')).toBe(kept);
  });
});

describe('a retired engine', () => {
  it('answers every query as its successor, and never answers through itself', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'briefings-retired-'));
    try {
      cpSync(CONTENT, dir, { recursive: true });
      const old = Engine.build(await loadContent(dir));
      writeFileSync(path.join(dir, 'quokka.md'), markdown('quokka', 'Quokka teachers', 'Quokkas march.'));
      const successor = Engine.build(await loadContent(dir));
      const asked = (e: Engine) => [
        answers(e),
        e.size,
        e.article('quokka')?.id,
        e.suggest('quok'),
        e.topics(),
        e.matching('mexico').map((a) => a.id),
        e.resolveTopic('mexico')?.id,
        e.correctTopic('mexcio')?.id,
        e.nearestTopics('oaxca'),
        e.topicStories('mexico'),
        e.topicIndex.get('mexico')?.count,
      ];
      expect(asked(old)).not.toEqual(asked(successor));
      old.retire(() => successor);
      expect(asked(old)).toEqual(asked(successor));
      // Retired to an engine retired itself (a caller's mistake): each answers from its own
      // memory rather than going round in circles.
      const answered = asked(successor);
      successor.retire(() => old);
      expect(asked(successor)).toEqual(answered);
      expect(old.search('quokka').total).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
