// Reads cowriter's output back with ChordSheetJS, the way a ChordPro or chords-over-words app would.
// stdin: a JSON list of {"format": "chordpro" | "text", "text": "...", "chords": [...]}; stdout: for each, the lines
// as lists of [chords, lyrics] pairs (a line without a chord or a word is left out), and its metadata
// (or the error ChordSheetJS stopped with), which of `chords` it does not know, and which of `words` (lyric
// lines) it does not read as words.
import { readFileSync } from 'node:fs';
import { Chord, ChordProParser, ChordsOverWordsParser } from 'chordsheetjs';

const input = JSON.parse(readFileSync(0, 'utf8'));
const out = input.map(({ format, text, chords = [], words = [] }) => {
  // a chord ChordSheetJS does not know: Chord.parse rejects it, or (chords over words) a row with it alone
  // is read as words
  const known = (symbol) => {
    if (!Chord.parse(symbol)) return false;
    if (format === 'chordpro') return true;
    const pairs = new ChordsOverWordsParser().parse(`${symbol}\nla la\n`).lines[0].items;
    return pairs.some((item) => item.chords === symbol);
  };
  const unknown = chords.filter((symbol) => !known(symbol));
  // lyric lines ChordSheetJS does not read as words on their own: "La la la" (solfège A A A to it),
  // "Verse text" (a section label to it)
  const misread = format === 'chordpro' ? [] : words.filter((line) => {
    const items = new ChordsOverWordsParser().parse(`${line}\n`).lines[0].items;
    return items.map((item) => ('lyrics' in item && !item.chords ? item.lyrics : '\u0000')).join('') !== line;
  });
  const parser = format === 'chordpro' ? new ChordProParser() : new ChordsOverWordsParser();
  let song;
  try {
    song = parser.parse(text);
  } catch (error) {
    return { error: String(error.message).split('\n')[0], lines: [], metadata: {}, unknown, misread };
  }
  const lines = song.lines
    .map((line) => line.items
      .filter((item) => 'chords' in item && 'lyrics' in item)
      .map((item) => [item.chords || '', item.lyrics || '']))
    .filter((pairs) => pairs.some(([chords, lyrics]) => chords || lyrics.trim()));
  return { lines, metadata: song.metadata.metadata, unknown, misread };
});
process.stdout.write(JSON.stringify(out));
