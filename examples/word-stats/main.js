// word-stats: tools and plain JavaScript together. ARGS holds the typed parameters:
// ARGS.top is a number, ARGS.ignore_case a boolean, ARGS.stopwords an array.
const source = ARGS.ignore_case
  ? (await Tool.execute("text-manipulator", { operation: "lowercase", input: ARGS.text })).text
  : ARGS.text;

const skip = new Set(ARGS.stopwords);
const words = source.split(/[^\p{L}\p{N}']+/u).filter((w) => w.length > 0);
const counts = new Map();
for (const word of words) {
  if (!skip.has(word)) counts.set(word, (counts.get(word) || 0) + 1);
}
const ranked = [...counts.entries()]
  .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  .slice(0, ARGS.top);

const digest = await Tool.execute("hash-calculator", { operation: "hash", algorithm: "sha256", input: ARGS.text });
print(`words: ${words.length}, distinct (without stopwords): ${counts.size}`);
for (const [word, count] of ranked) print(`${word}: ${count}`);
print(`sha256: ${digest.result.hash.slice(0, 16)}...`);

({ words: words.length, distinct: counts.size, top: ranked.map(([word]) => word) });
