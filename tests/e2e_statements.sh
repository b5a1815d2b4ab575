#!/usr/bin/env bash
# Partner statements read back (issue 22): the demo's months run with draft
# statements; then every statement names its currency on each money block
# and on the payment line, lists the partner's held and rejected orders of
# the period (results/attribution.csv), shows the DRAFT banner and page
# header, and its history table equals the ledger's payables of each
# agreement and period, to the cent.
#   e2e_statements.sh BIN REPO
set -u
bin=$1; repo=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$repo/fixtures/demo" "$work/d"; rm -rf "$work/d/expected"
for p in $(ls "$work/d/periods"); do
  "$bin" run --data "$work/d" --period "$p" --statements --quiet || { echo "run $p failed"; exit 1; }
done
db=$(ls "$work"/d/*.db 2>/dev/null | head -1)
[ -n "$db" ] || db=$(find "$work/d" -name '*.db' | head -1)
[ -n "$db" ] || { echo "no ledger found"; exit 1; }
for p in $(ls "$work/d/out"); do
  sqlite3 -csv "$db" "SELECT agreement_id, period, earned, paid, carried_out FROM payables WHERE period <= '$p'" \
    > "$work/payables-$p.csv"
done
python3 - "$work/d" "$work" <<'PY'
import csv, glob, os, re, sys, zipfile
import xml.etree.ElementTree as ET
data, work = sys.argv[1], sys.argv[2]
NS = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id'
passed = failed = 0
def check(what, ok):
    global passed, failed
    if ok: passed += 1
    else:
        failed += 1; print("FAIL:", what)

MONTHS = {'en': ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                 'September', 'October', 'November', 'December'],
          'es': ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto',
                 'septiembre', 'octubre', 'noviembre', 'diciembre']}
def period_text(p, lang):
    y, m = p.split('-')
    name = MONTHS[lang][int(m) - 1]
    return f"{name} de {y}" if lang == 'es' else f"{name} {y}"

def col_index(ref):
    letters = re.match(r'[A-Z]+', ref).group(0)
    n = 0
    for ch in letters: n = n * 26 + ord(ch) - 64
    return n - 1

def sheets(path):
    """[(name, rows: {row: {col: value}}, header_footer_text)]"""
    z = zipfile.ZipFile(path)
    strings = []
    if 'xl/sharedStrings.xml' in z.namelist():
        for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', NS):
            strings.append(''.join(t.text or '' for t in si.iter('{%s}t' % NS['m'])))
    wb = ET.fromstring(z.read('xl/workbook.xml'))
    rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
    target = {r.get('Id'): r.get('Target') for r in rels}
    out = []
    for s in wb.find('m:sheets', NS):
        x = ET.fromstring(z.read('xl/' + target[s.get(R)]))
        rows = {}
        for c in x.iter('{%s}c' % NS['m']):
            ref = c.get('r'); r = int(re.search(r'\d+', ref).group(0))
            v = c.find('m:v', NS); t = c.get('t')
            if t == 's': val = strings[int(v.text)]
            elif t == 'inlineStr': val = ''.join(e.text or '' for e in c.iter('{%s}t' % NS['m']))
            elif v is not None: val = float(v.text)
            else: continue
            rows.setdefault(r, {})[col_index(ref)] = val
        hf = ''.join(e.text or '' for e in x.iter() if e.tag.endswith('Header') or e.tag.endswith('Footer'))
        out.append((s.get('name'), rows, hf))
    return out

partners = {r['partner_id']: r for r in csv.DictReader(open(f"{data}/master/partners.csv"))}
for pdir in sorted(glob.glob(f"{data}/out/*/")):
    p = os.path.basename(pdir.rstrip('/'))
    ledger = {(r[0], r[1]): tuple(round(float(x) / 100, 2) for x in r[2:5])
              for r in csv.reader(open(f"{work}/payables-{p}.csv"))}
    orders = {r['order_id']: r for r in csv.DictReader(open(f"{data}/periods/{p}/orders.csv"))}
    held = {}
    for r in csv.DictReader(open(f"{pdir}/results/attribution.csv")):
        if r['status'] in ('held', 'rejected') and orders[r['order_id']]['partner_id'] in partners:
            held.setdefault(orders[r['order_id']]['partner_id'], []).append(r['order_id'])
    index = {r['partner_id']: r['file'] for r in csv.DictReader(open(f"{pdir}/statements/index.csv"))}
    for pid in held:
        check(f"{p}: {pid} has held orders and a statement", pid in index)
    history_rows = 0
    for pid, fname in index.items():
        lang = partners[pid]['language']
        sh = sheets(f"{pdir}/statements/{fname}")
        texts = [v for _, rows, _ in sh for r in rows.values() for v in r.values() if isinstance(v, str)]
        for name, rows, hf in sh:
            cells = {(r, c): v for r, cs in rows.items() for c, v in cs.items()}
            strs = [v for v in cells.values() if isinstance(v, str)]
            cur = next((cells.get((r, 1)) for (r, c), v in cells.items()
                        if c == 0 and v in ('Currency', 'Moneda')), None)
            check(f"{p} {pid}/{name}: names a currency", cur in ('USD', 'EUR'))
            money_blocks = [v for v in strs if re.search(r'\((USD|EUR)\)$', v)]
            check(f"{p} {pid}/{name}: money blocks name {cur}",
                  len(money_blocks) >= 3 and all(v.endswith(f"({cur})") for v in money_blocks))
            pay = [r for (r, c), v in cells.items() if c == 0 and v in ('Payment', 'Pago')]
            check(f"{p} {pid}/{name}: one payment line", len(pay) == 1)
            if pay:
                r = pay[0]
                paid = isinstance(cells.get((r, 1)), float)
                check(f"{p} {pid}/{name}: payment line names amount, currency and due date",
                      not paid or (cells.get((r, 2)) == cur and isinstance(cells.get((r, 4)), float)))
            check(f"{p} {pid}/{name}: draft banner",
                  any(v.startswith('DRAFT —' if lang == 'en' else 'BORRADOR —') for v in strs))
            check(f"{p} {pid}/{name}: page header says draft, footer pages",
                  ('DRAFT' if lang == 'en' else 'BORRADOR') in hf and '&P' in hf and '&N' in hf)
            ag = next((cells.get((r, 1)) for (r, c), v in cells.items()
                       if c == 0 and v in ('Agreement', 'Acuerdo')), None)
            hist = next((r for (r, c), v in cells.items()
                         if c == 0 and isinstance(v, str) and re.match(r'(History|Historial) \(', v)), None)
            check(f"{p} {pid}/{name}: history table", hist is not None)
            if hist is None or ag is None:
                continue
            want = {per: v for (a, per), v in ledger.items() if a == ag}
            got = {}
            r = hist + 2
            while (r, 0) in cells:
                text = cells[(r, 0)]
                per = next((q for q in want if period_text(q, lang) == text), None)
                check(f"{p} {pid}/{name}: history period {text} is in the ledger", per is not None)
                if per:
                    got[per] = tuple(round(cells.get((r, c), 0.0), 2) for c in (5, 6, 7))
                r += 1
            check(f"{p} {pid}/{name}: history = ledger payables {want} vs {got}", got == want)
            history_rows += len(got)
        for o in held.get(pid, []):
            word = 'Order' if lang == 'en' else 'Orden'
            check(f"{p}: {pid}'s held order {o} is listed", f"{word} {o}" in texts)
    check(f"{p}: history rows read", history_rows > 0)
print(f"e2e_statements: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
