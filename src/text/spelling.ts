/**
 * British to American spelling, applied to folded words before stemming so that "privatisation"
 * finds "privatization" and "labour" finds "labor". Rules cover the regular families; the
 * exception lists hold common words that merely look like them ("rise", "four", "acre").
 */

const ISE_EXCEPTIONS = new Set(
  (
    'advertise advise apprise arise chastise circumcise comprise compromise concise demise despise devise ' +
    'disguise enterprise excise exercise expertise franchise guise improvise incise merchandise noise ' +
    'otherwise paradise poise praise precise premise promise raise reprise revise rise supervise surmise ' +
    'surprise televise treatise wise likewise clockwise anise cruise bruise'
  ).split(' '),
);
const OUR_EXCEPTIONS = new Set(
  'four hour your pour tour flour sour our dour amour contour detour devour glamour troubadour velour'.split(
    ' ',
  ),
);
const RE_WORDS: Record<string, string> = {
  centre: 'center',
  centres: 'centers',
  centred: 'centered',
  theatre: 'theater',
  theatres: 'theaters',
  metre: 'meter',
  metres: 'meters',
  litre: 'liter',
  litres: 'liters',
  fibre: 'fiber',
  calibre: 'caliber',
  spectre: 'specter',
  sombre: 'somber',
  meagre: 'meager',
  defence: 'defense',
  offence: 'offense',
  licence: 'license',
  pretence: 'pretense',
  practise: 'practice',
  programme: 'program',
  programmes: 'programs',
  catalogue: 'catalog',
  dialogue: 'dialog',
  analyse: 'analyze',
  analysed: 'analyzed',
  paralyse: 'paralyze',
  paralysed: 'paralyzed',
  paralised: 'paralyzed',
  grey: 'gray',
  manoeuvre: 'maneuver',
  manoeuvres: 'maneuvers',
  travelled: 'traveled',
  travelling: 'traveling',
  cancelled: 'canceled',
  labelled: 'labeled',
  modelled: 'modeled',
  fulfil: 'fulfill',
  enrol: 'enroll',
};

/** Returns the American spelling of a folded British word, or the word itself. */
export function americanize(word: string): string {
  const mapped = RE_WORDS[word];
  if (mapped) return mapped;
  if (word.length < 5) return word;
  // organisation(s), privatisation(s)
  const isation = /^(.{3,})isation(s?)$/.exec(word);
  if (isation) return `${isation[1]}ization${isation[2]}`;
  // privatise, privatised, privatises, privatising, organiser(s)
  const ise = /^(.{3,})is(e|ed|es|ing|er|ers)$/.exec(word);
  if (ise && !ISE_EXCEPTIONS.has(`${ise[1]}ise`) && !ISE_EXCEPTIONS.has(word)) {
    return `${ise[1]}iz${ise[2]}`;
  }
  // labour, labours, laboured, neighbourhood, favourite, honourable
  const our = /^(.{2,})our(s|ed|ing|er|ers|hood|hoods|ite|ites|able|ably|ful)?$/.exec(word);
  if (our && !OUR_EXCEPTIONS.has(`${our[1]}our`)) return `${our[1]}or${our[2] ?? ''}`;
  return word;
}
