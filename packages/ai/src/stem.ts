// Russian text normalisation and the Snowball Russian stemmer (snowballstem.org/algorithms/russian).
// Clients write informally ("ё" or "е", any case, emoji, punctuation glued to words), so every
// comparison in the agent goes through normalizeText / tokenize / stemRussian.

const VOWELS = new Set("аеиоуыэюя");

type Ending = readonly [suffix: string, needsAOrYa: boolean];

const PERFECTIVE_GERUND: Ending[] = [
  ...["в", "вши", "вшись"].map((s): Ending => [s, true]),
  ...["ив", "ивши", "ившись", "ыв", "ывши", "ывшись"].map((s): Ending => [s, false]),
];
const ADJECTIVE: Ending[] = [
  "ее", "ие", "ые", "ое", "ими", "ыми", "ей", "ий", "ый", "ой", "ем", "им", "ым", "ом", "его", "ого",
  "ему", "ому", "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею",
].map((s): Ending => [s, false]);
const PARTICIPLE: Ending[] = [
  ...["ем", "нн", "вш", "ющ", "щ"].map((s): Ending => [s, true]),
  ...["ивш", "ывш", "ующ"].map((s): Ending => [s, false]),
];
const REFLEXIVE: Ending[] = ["ся", "сь"].map((s): Ending => [s, false]);
const VERB: Ending[] = [
  ...["ла", "на", "ете", "йте", "ли", "й", "л", "ем", "н", "ло", "но", "ет", "ют", "ны", "ть", "ешь", "нно"].map(
    (s): Ending => [s, true],
  ),
  ...[
    "ила", "ыла", "ена", "ейте", "уйте", "ите", "или", "ыли", "ей", "уй", "ил", "ыл", "им", "ым", "ен", "ило",
    "ыло", "ено", "ят", "ует", "уют", "ит", "ыт", "ены", "ить", "ыть", "ишь", "ую", "ю",
  ].map((s): Ending => [s, false]),
];
const NOUN: Ending[] = [
  "а", "ев", "ов", "ие", "ье", "е", "иями", "ями", "ами", "еи", "ии", "и", "ией", "ей", "ой", "ий", "й",
  "иям", "ям", "ием", "ем", "ам", "ом", "о", "у", "ах", "иях", "ях", "ы", "ь", "ию", "ью", "ю", "ия", "ья", "я",
].map((s): Ending => [s, false]);
const DERIVATIONAL: Ending[] = ["ост", "ость"].map((s): Ending => [s, false]);

/**
 * Removes the longest ending of the list that lies inside RV (from `rv` on), the way Snowball's
 * `among` does: if the longest match needs a preceding «а»/«я» and has none, nothing is removed.
 */
function removeEnding(word: string, rv: number, endings: readonly Ending[]): string | null {
  let best: Ending | null = null;
  for (const ending of endings) {
    const [suffix] = ending;
    if (word.length - suffix.length >= rv && word.endsWith(suffix) && (!best || suffix.length > best[0].length)) {
      best = ending;
    }
  }
  if (!best) return null;
  const [suffix, needsAOrYa] = best;
  const at = word.length - suffix.length;
  if (needsAOrYa) {
    const before = word[at - 1];
    if (at - 1 < rv || (before !== "а" && before !== "я")) return null;
  }
  return word.slice(0, at);
}

function regions(word: string): { rv: number; r2: number } {
  const n = word.length;
  const isVowel = (i: number) => VOWELS.has(word[i] ?? "");
  let i = 0;
  while (i < n && !isVowel(i)) i++;
  if (i >= n) return { rv: n, r2: n };
  const rv = i + 1;
  // R1 starts after the first non-vowel following a vowel; R2 is the same rule applied within R1.
  let j = rv;
  while (j < n && isVowel(j)) j++;
  j++;
  while (j < n && !isVowel(j)) j++;
  j++;
  while (j < n && isVowel(j)) j++;
  j++;
  return { rv, r2: Math.min(j, n) };
}

// Clients reuse the same few thousand words; stems are remembered up to this many.
const CACHE_LIMIT = 50_000;
const cache = new Map<string, string>();

/** Snowball Russian stem of one word (lower-cased, ё folded to е). Non-Cyrillic words pass through. */
export function stemRussian(input: string): string {
  const cached = cache.get(input);
  if (cached !== undefined) return cached;
  const stem = computeStem(input);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(input, stem);
  return stem;
}

function computeStem(input: string): string {
  let word = input.toLowerCase().replaceAll("ё", "е");
  if (!/[а-я]/.test(word)) return word;
  const { rv, r2 } = regions(word);
  if (rv >= word.length) return word;

  // Step 1: perfective gerund, or else reflexive followed by adjectival / verb / noun.
  const gerund = removeEnding(word, rv, PERFECTIVE_GERUND);
  if (gerund !== null) {
    word = gerund;
  } else {
    word = removeEnding(word, rv, REFLEXIVE) ?? word;
    const adjective = removeEnding(word, rv, ADJECTIVE);
    if (adjective !== null) {
      word = removeEnding(adjective, rv, PARTICIPLE) ?? adjective;
    } else {
      word = removeEnding(word, rv, VERB) ?? removeEnding(word, rv, NOUN) ?? word;
    }
  }
  // Step 2: a final «и».
  if (word.endsWith("и") && word.length - 1 >= rv) word = word.slice(0, -1);
  // Step 3: derivational «ост(ь)» lying wholly in R2.
  const derivational = removeEnding(word, Math.max(rv, r2), DERIVATIONAL);
  if (derivational !== null) word = derivational;
  // Step 4: superlative, double «н», soft sign.
  const inRv = (suffix: string) => word.endsWith(suffix) && word.length - suffix.length >= rv;
  if (inRv("ейше") || inRv("ейш")) {
    word = word.slice(0, inRv("ейше") ? -4 : -3);
    if (inRv("нн")) word = word.slice(0, -1);
  } else if (inRv("нн")) {
    word = word.slice(0, -1);
  } else if (inRv("ь")) {
    word = word.slice(0, -1);
  }
  return word;
}

/** Lower case, «ё» → «е», typographic dashes and quotes simplified, white space collapsed. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replaceAll("ё", "е")
    .replace(/[‐-―−]/g, "-")
    .replace(/[«»“”„"]/g, '"')
    .replace(/\s+/g, " ")
    .trim();
}

/** Words of a text: runs of letters and digits, normalised. Punctuation and emoji are separators. */
export function tokenize(text: string): string[] {
  return normalizeText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

// Snowball's Russian stop list, plus a few forms that carry no meaning for matching questions.
const STOP_WORDS = new Set(
  (
    "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от " +
    "меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам " +
    "ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего " +
    "раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы " +
    "нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас " +
    "про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им " +
    "более всегда конечно всю между ваш ваша ваше ваши вашего вашей мои мое свой какие каков какое какую " +
    "пожалуйста пжл пж здравствуйте здравствуй привет добрый доброе день вечер утро спасибо подскажите скажите " +
    "бы либо ли это эта"
  ).split(" "),
);

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/** Stems of the meaningful words of a text, in order, stop words dropped. */
export function stems(text: string): string[] {
  const out: string[] = [];
  for (const token of tokenize(text)) {
    if (STOP_WORDS.has(token)) continue;
    out.push(stemRussian(token));
  }
  return out;
}
