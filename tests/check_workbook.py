#!/usr/bin/env python3
"""check_workbook.py XLSX RESULTS_DIR AGREEMENTS_CSV — payouts.xlsx read back
(issue 21): Summary's per-currency totals equal results/payables.csv per
currency; no total adds currencies; every Control check is OK with a
difference of 0; the Control sheet's control.csv rows equal
results/control.csv; every chart on the Overview names its currency; no
cell's text is cut (a text wider than its column wraps or has an empty
cell to its right). Prints FAIL lines; exit 1 when any."""
import csv, re, sys, zipfile
import xml.etree.ElementTree as ET

NS = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
      'r': 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'}
xlsx, results, agreements = sys.argv[1:4]
z = zipfile.ZipFile(xlsx)
fails = []

def fail(msg):
    fails.append(msg)
    print('FAIL: ' + msg)

shared = []
if 'xl/sharedStrings.xml' in z.namelist():
    for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', NS):
        shared.append(''.join(t.text or '' for t in si.iter('{%s}t' % NS['m'])))
styles = ET.fromstring(z.read('xl/styles.xml'))
wrap = []
for xf in styles.find('m:cellXfs', NS).findall('m:xf', NS):
    al = xf.find('m:alignment', NS)
    wrap.append(al is not None and al.get('wrapText') == '1')
wb = ET.fromstring(z.read('xl/workbook.xml'))
rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
target = {r.get('Id'): r.get('Target') for r in rels}
sheets = {}
for s in wb.find('m:sheets', NS):
    sheets[s.get('name')] = 'xl/' + target[s.get('{%s}id' % NS['r'])]

def col_index(ref):
    letters = re.match(r'[A-Z]+', ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1, int(ref[len(letters):]) - 1

def read(name):
    x = ET.fromstring(z.read(sheets[name]))
    widths = {}
    cols = x.find('m:cols', NS)
    for c in (cols if cols is not None else []):
        for i in range(int(c.get('min')) - 1, int(c.get('max'))):
            widths[i] = float(c.get('width'))
    merged = set()
    mc = x.find('m:mergeCells', NS)
    for m in (mc if mc is not None else []):
        a, b = m.get('ref').split(':')
        (c0, r0), (c1, r1) = col_index(a), col_index(b)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                merged.add((r, c))
    cells = {}
    for c in x.iter('{%s}c' % NS['m']):
        col, row = col_index(c.get('r'))
        t, s = c.get('t'), int(c.get('s') or 0)
        if t == 'inlineStr':
            v = ''.join(e.text or '' for e in c.iter('{%s}t' % NS['m']))
        elif t == 's':
            v = shared[int(c.find('m:v', NS).text)]
        else:
            e = c.find('m:v', NS)
            if e is None:
                continue
            v = float(e.text)
        cells[(row, col)] = (v, s)
    return cells, widths, merged

def rows_of(cells):
    out = {}
    for (r, c), (v, s) in cells.items():
        out.setdefault(r, {})[c] = v
    return out

cur_of = {r['agreement_id']: r['currency'] for r in csv.DictReader(open(agreements))}

# Summary: a "Total CUR" row per currency, each column equal to payables.csv
cells, _, _ = read('Summary')
rows = rows_of(cells)
head = rows[0]
colno = {v: c for c, v in head.items()}
want = {}
for r in csv.DictReader(open(results + '/payables.csv')):
    k = cur_of[r['agreement_id']]
    w = want.setdefault(k, {})
    for name in ('carried_in', 'earned', 'paid', 'carried_out'):
        w[name] = w.get(name, 0) + round(float(r[name]) * 100)
seen = set()
for r, row in rows.items():
    label = row.get(0)
    if isinstance(label, str) and label.startswith('Total'):
        m = re.fullmatch(r'Total ([A-Z]{3})', label)
        if not m:
            fail('Summary row %d: %r is not a per-currency total' % (r + 1, label))
            continue
        k = m.group(1)
        seen.add(k)
        for name, v in want.get(k, {}).items():
            got = round(row.get(colno[name], 0) * 100)
            if got != v:
                fail('Summary Total %s %s: %d cents, payables.csv %d' % (k, name, got, v))
for k in want:
    if k not in seen:
        fail('Summary: no Total %s row' % k)
lines_head = list(rows_of(read('Lines')[0])[0].values())
if 'currency' not in lines_head and not any(re.fullmatch(r'amount \([A-Z]{3}\)', str(v))
                                             for v in lines_head):
    fail('Lines: no currency column and no currency in the amount heading')
if len(want) > 1 and 'currency' not in lines_head:
    fail('Lines: several currencies without a currency column')

# Control: each check OK with difference 0; its control.csv rows = the file
cells, _, _ = read('Control')
rows = rows_of(cells)
head = {v: c for c, v in rows[0].items()}
checks = 0
in_csv, ctl = False, {}
for r in sorted(rows):
    row = rows[r]
    if r == 0:
        continue
    if row.get(head['result']) in ('OK', 'DIFF'):
        checks += 1
        if row.get(head['result']) != 'OK' or row.get(head['difference']) != 0:
            fail('Control row %d (%s %s): %s, difference %s' % (r + 1, row.get(0), row.get(1, ''),
                 row.get(head['result']), row.get(head['difference'])))
    if isinstance(row.get(0), str) and row[0].startswith('control.csv'):
        in_csv = True
        continue
    if in_csv and row.get(0) not in (None, 'name'):
        ctl[row[0]] = row.get(3)
if checks < 5:
    fail('Control: only %d checks' % checks)
file_rows = {r['name']: r['value'] for r in csv.DictReader(open(results + '/control.csv'))}
if set(file_rows) != set(ctl):
    fail('Control sheet names differ from control.csv: %s' % sorted(set(file_rows) ^ set(ctl)))
for k, v in file_rows.items():
    if k in ctl and round(float(v) * 100) != round(float(ctl[k]) * 100):
        fail('Control %s: sheet %s, control.csv %s' % (k, ctl[k], v))
for k in file_rows:
    if re.search(r'amount|payables_(carried|earned|paid)', k) and not re.search(r'_[A-Z]{3}$', k):
        fail('control.csv %s has no currency' % k)

# charts: every Overview chart names its currency
for n in z.namelist():
    if n.startswith('xl/charts/chart'):
        title = ''.join(t.text or '' for t in ET.fromstring(z.read(n)).iter(
            '{http://schemas.openxmlformats.org/drawingml/2006/main}t'))
        if 'legacy program' in title and not re.search(r'\([A-Z]{3}\)', title):
            fail('chart %r names no currency' % title)

# no cell text cut
for name in sheets:
    cells, widths, merged = read(name)
    for (r, c), (v, s) in cells.items():
        if not isinstance(v, str) or (r, c) in merged or (s < len(wrap) and wrap[s]):
            continue
        width = widths.get(c, 8.43)
        longest = max(len(x) for x in v.split('\n')) if v else 0
        if '\n' in v:
            fail('%s %s%d: multi-line text without wrap' % (name, chr(65 + c), r + 1))
        elif longest * 1.1 > width and (r, c + 1) in cells:
            fail('%s %s%d: %r (%d chars) cut at width %.0f' % (name, chr(65 + c) if c < 26 else c,
                 r + 1, v, longest, width))
print('checked %d sheets, %d control checks, %d currencies' % (len(sheets), checks, len(want)))
sys.exit(1 if fails else 0)
