import { readFileSync } from 'node:fs';
import { readZipDirectory, inflateEntry } from '../functions/core/workbook/zip';
const bytes = new Uint8Array(readFileSync(process.argv[2]));
const e = readZipDirectory(bytes).find((x) => x.name === 'xl/worksheets/sheet1.xml')!;
const pats = ['t="d"', 't="e"', 't="b"', "t='", '<![', 't="str"', 'inlineStr', 'mergeCell'].map((p) => Buffer.from(p));
for (let k = 0; k < 2; k++) {
let t0 = performance.now();
await inflateEntry(bytes, e, 1e9, (c) => {});
console.log('inflate', Math.round(performance.now() - t0));
t0 = performance.now();
await inflateEntry(bytes, e, 1e9, (c) => { for (const p of pats) c.indexOf(p); });
console.log('8 indexOf', Math.round(performance.now() - t0));
const re = /t="(?:[deb]|str)"|t='|<!\[|inlineStr|mergeCell/g;
t0 = performance.now();
await inflateEntry(bytes, e, 1e9, (c) => { const s = c.toString('latin1'); re.lastIndex = 0; while (re.exec(s)); });
console.log('regex', Math.round(performance.now() - t0));
}
