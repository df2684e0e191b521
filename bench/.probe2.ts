import { readFileSync } from 'node:fs';
import { readZipDirectory, inflateEntry } from '../functions/core/workbook/zip';
const bytes = new Uint8Array(readFileSync(process.argv[2]));
const entries = readZipDirectory(bytes);
for (const e of entries) console.log(e.name, e.compressedSize, e.uncompressedSize);
for (const name of ['xl/worksheets/sheet1.xml', 'xl/sharedStrings.xml']) {
  const e = entries.find((x) => x.name === name)!;
  let t0 = performance.now(); let n = 0;
  await inflateEntry(bytes, e, 1e9, (c) => { n += c.length; });
  console.log(name, 'inflate', Math.round(performance.now() - t0));
  const pats = ['t="d"', "t='d'", 't="e"', "t='e'", 't="b"', "t='b'", '<![CDATA[', 't="str"', "t='str'", 'inlineStr', '&amp;', '<r>', ':r>', 't>\n', 't>\r', 't>\t', 't> ', 'mergeCell'].map((p) => Buffer.from(p));
  t0 = performance.now();
  await inflateEntry(bytes, e, 1e9, (c) => { for (const p of pats) c.indexOf(p); });
  console.log(name, 'inflate+18 indexOf', Math.round(performance.now() - t0));
}
