#!/usr/bin/env python3
"""seeds.py — (re)writes the hand-made seed corpus of tests/fuzz/corpus/.

    python3 tests/fuzz/seeds.py            # from the repository root

Seeds are small and meaningful: valid files taken from fixtures/ and the
default book, and the edge cases of SPEC §2 (BOM, CRLF, lone CR, quoted
newlines, NUL, invalid UTF-8, ragged rows, long fields, bad money and dates).
Each file is named after what it holds. Inputs a campaign found interesting
are merged in separately (campaign.sh prints the command) and named by hash.
"""
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")

# fuzz_csv byte 0: 0 = the "every type" spec (columns a..k), then schema order.
CSV_SPECS = ["every", "partners", "agreements", "products", "accounts", "commitments",
             "programs", "tiers", "points", "benefits", "rates", "orders", "revenue",
             "approvals", "adjustments", "activities"]
# fuzz_ingest byte 0: the file kinds, in fuzz_ingest.c's order.
INGEST_KINDS = ["master/partners", "master/agreements", "master/products", "master/accounts",
                "master/commitments", "book/programs", "book/tiers", "book/points",
                "book/benefits", "book/rates", "period/orders", "period/revenue",
                "period/approvals", "period/adjustments", "period/activities"]


def put(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(rel):
    with open(os.path.join(ROOT, rel), "rb") as f:
        return f.read()


def file_of(table, fixture):
    """A table's file in a fixture (or the default book), first 40 lines."""
    for rel in ([f"fixtures/{fixture}/{table}.csv"] if "/" in table else []) + \
               [f"fixtures/{fixture}/book/{table}.csv", f"rules/book/{table}.csv"]:
        if os.path.exists(os.path.join(ROOT, rel)):
            return b"".join(read(rel).splitlines(keepends=True)[:40])
    raise FileNotFoundError(table)


def period_file(fixture, name):
    pdir = os.path.join(ROOT, "fixtures", fixture, "periods")
    for p in sorted(os.listdir(pdir)):
        f = os.path.join(pdir, p, name + ".csv")
        if os.path.exists(f):
            with open(f, "rb") as fh:
                return b"".join(fh.read().splitlines(keepends=True)[:40])
    return None


EVERY_HDR = b"a,b,c,d,e,f,g,h,i,j,k\r\n"
EVERY_ROW = b"ID-1,some text,2017-02-28,2017-11,-12.34,yes,USD,36,12.5,2.25,x\r\n"


def csv_seeds():
    sel = lambda spec: bytes([CSV_SPECS.index(spec)])
    e = sel("every")
    cases = {
        "every_valid_crlf": EVERY_HDR + EVERY_ROW,
        "every_bom_lf": b"\xef\xbb\xbf" + EVERY_HDR.replace(b"\r\n", b"\n") +
                        EVERY_ROW.replace(b"\r\n", b"\n"),
        "every_lone_cr": b"a,b\rA,x\rB,y",
        "every_quoted_newline": b'a,b\n"A","line one\r\nline two, ""quoted"""\nB,\n',
        "every_blank_lines": b"a,b\n\n\r\nA,x\n\n\nB,y\n\n",
        "every_x_notes": b"x_note,a,x_other\nhello,A,\n",
        "every_nul": b"a,b\nA,x\x00y\n",
        "every_bad_utf8_overlong": b"a,b\nA,\xc0\x80\n",
        "every_bad_utf8_surrogate": b"a,b\nA,\xed\xa0\x80\n",
        "every_bad_utf8_f5": b"a,b\nA,\xf5\x80\x80\x80\n",
        "every_bad_utf8_truncated": b"a,b\nA,\xe2\x82",
        "every_utf8_ok": "a,b\nA,Ríos € 𝄞\n".encode(),
        "every_ragged": b"a,b,c\nA,x\nB,y,2017-01-01,extra\nC,z,\n",
        "every_long_text": b"a,b\nA," + b"t" * 300 + b"\n",
        "every_long_id": b"a\n" + b"I" * 65 + b"\n",
        "every_quote_in_unquoted": b'a,b\nA,x"y\n',
        "every_text_after_quote": b'a,b\nA,"x"y\n',
        "every_unterminated_quote": b'a,b\nA,"never closed\nB,y\n',
        "every_dup_column": b"a,b,a\nA,x,A\n",
        "every_unknown_column": b"a,zz\nA,x\n",
        "every_missing_column": b"b\nx\n",
        "every_empty": b"",
        "every_header_only": b"a,b,c,d,e,f,g,h,i,j,k",
        "every_missing_value": b"a,b\n,x\n",
        "every_bad_money": b"a,e\nA,1e5\nB,\"1,000.00\"\nC,--1\nD,99999999999999999999\n"
                           b"E,10000000000000.01\nF,-10000000000000.00\nG,1.\nH,.5\nI,1.234\n",
        "every_bad_dates": b"a,c,d\nA,2017-02-29,2017-11\nB,0000-00-00,2017-13\n"
                           b"C,2016-02-29,0000-00\nD,1899-12-31,1900-01\nE,9999-12-31,9999-12\n",
        "every_bad_enum_currency_int": b"a,f,g,h\nA,Yes,usd,2147483648\nB,no,US,2147483647\n"
                                       b"C,maybe,USDX,-1\n",
        "every_rates_multiples": b"a,i,j\nA,100,10000000.00\nB,100.0001,10000000.01\n"
                                 b"C,0.0001,0.01\nD,12.34567,1.234\n",
    }
    for name, data in cases.items():
        put("fuzz_csv", name, e + data)
    # the schemas: a valid file each, from the demo fixture or the default book
    for i, spec in enumerate(CSV_SPECS[1:], start=1):
        if spec in ("partners", "agreements", "products", "accounts", "commitments"):
            data = file_of(f"master/{spec}", "demo")
        elif spec in ("programs", "tiers", "points", "benefits", "rates"):
            data = read(f"rules/book/{spec}.csv")
        else:
            data = period_file("demo", spec)
        put("fuzz_csv", f"schema_{spec}", bytes([i]) + data)
    # bad rows of every kind, from the fixture that collects them
    for i, spec in enumerate(CSV_SPECS[1:], start=1):
        if spec in ("partners", "agreements", "products", "accounts", "commitments"):
            data = file_of(f"master/{spec}", "bad_input_rows")
        elif spec in ("orders", "revenue", "approvals", "adjustments", "activities"):
            data = period_file("bad_input_rows", spec)
        else:
            continue
        if data:
            put("fuzz_csv", f"bad_rows_{spec}", bytes([i]) + data)


def ingest_seeds():
    for i, kind in enumerate(INGEST_KINDS):
        where, table = kind.split("/")
        if where == "master":
            data = file_of(f"master/{table}", "demo")
        elif where == "book":
            data = read(f"rules/book/{table}.csv")
        else:
            data = period_file("demo", table)
            if table in ("orders", "revenue"):  # the harness's period is 2017-11
                data = data.replace(b"2017-12", b"2017-11")
        put("fuzz_ingest", f"{where}_{table}", bytes([i]) + data)
        if where in ("master", "period"):
            bad = file_of(f"master/{table}", "bad_input_rows") if where == "master" \
                else period_file("bad_input_rows", table)
            if bad:
                put("fuzz_ingest", f"bad_rows_{table}", bytes([i]) + bad)
    k = {name.split("/")[1]: i for i, name in enumerate(INGEST_KINDS)}
    extra = {
        "orders_dup_and_refs": (k["orders"],
            "order_id,partner_id,account_id,product_code,order_type,original_order_id,"
            "order_date,mrc,nrc,currency,term_months\n"
            "O-9,P-ACME,AC-1001,CTL-IQNET,new,,2017-11-02,10.00,0.00,USD,12\n"
            "O-9,P-ACME,AC-1001,CTL-IQNET,new,,2017-11-02,10.00,0.00,USD,12\n"
            "O-10,P-NOPE,AC-NOPE,NOPE,incremental,,2017-11-02,10.00,0.00,USD,12\n"
            "O-11,P-ACME,AC-1001,CTL-IQNET,disconnect,O-9,2017-11-03,-10.00,0.00,EUR,12\n"),
        "revenue_wrong_period_dup": (k["revenue"],
            "revenue_id,period,account_id,product_code,amount,currency\n"
            "R-9,2017-10,AC-1001,CTL-IQNET,1.00,USD\nR-8,2017-11,AC-1001,CTL-IQNET,2.00,USD\n"
            "R-8,2017-11,AC-1001,CTL-IQNET,3.00,USD\n"
            "R-7,2017-11,AC-1001,CTL-IQNET,-10000000000000.00,USD\n"),
        "adjustments_unapproved": (k["adjustments"],
            "adjustment_id,agreement_id,amount,currency,reason,entered_by,approved_by,approved_on\n"
            "J-1,A-ACME-C,5.00,USD,r,a,a,2017-11-01\nJ-2,A-ACME-C,5.00,USD,r,a,,\n"
            "J-3,A-NOPE,5.00,USD,r,a,b,2017-11-01\nJ-4,A-ACME-C,5.00,EUR,r,a,b,2017-11-01\n"
            "J-5,A-ACME-C,5.00,USD,r,a,b,\n"),
        "rates_overlap": (k["rates"],
            "plan_id,component,category,tier,rate_pct,mrc_multiple,effective_from,effective_to\n"
            "ASCEND-STD,residual,*,*,8,,2016-01-01,\nASCEND-STD,residual,*,*,9,,2017-01-01,\n"),
        "rates_bad_tier": (k["rates"],
            "plan_id,component,category,tier,rate_pct,mrc_multiple,effective_from\n"
            "ASCEND-STD,spiff,*,Platinum,,2.5,2016-01-01\nX,spiff,bad id,*,,,2016-01-01\n"),
        "programs_overlap": (k["programs"],
            "program,legacy,basis,review,window_months,entry_tier,effective_from\n"
            "ASCEND,CTL,revenue,monthly,1,Registered,2017-01\n"
            "OTHER,CTL,revenue,monthly,0,Registered,2017-06\n"),
        "tiers_points_program": (k["tiers"],
            "program,tier,rank,min_value\nASCEND,Registered,1,0.00\nMARKETPLACE,Silver,1,1.5\n"
            "NOPE,Silver,1,0\n"),
        "commitments_bad": (k["commitments"],
            "commitment_id,agreement_id,basis,amount,start_period,end_period\n"
            "C-1,A-ACME-C,revenue,0.00,2017-11,2017-12\nC-2,A-ACME-C,mrc,1.00,2017-12,2017-11\n"
            "C-3,A-NOPE,mrc,1.00,2017-11,2017-12\nC-4,A-ACME-C,mrc,10000000000000.00,2017-11,9999-12\n"),
        "partners_hold_dup": (k["partners"],
            "status,language,kind,name,partner_id\nactive,en,agent,Acme,P-ACME\n"
            "hold,es,integrator,Ríos,P-RIOS\nhold,es,integrator,Ríos,P-RIOS\n"
            "active,en,provider,Cloudy,P-CLOUDY\n"),
    }
    for name, (sel, text) in extra.items():
        put("fuzz_ingest", name, bytes([sel]) + text.encode())


def money_seeds():
    texts = ["0", "-0", "0.5", "1.05", "-12.34", "12.3", "007.10", "1e5", "1,000.00", "--1",
             "+1", "1.", ".5", "1.234", "-", "", " 1", "1 ", "$1", "NaN", "١٢",
             "99999999999999999999", "99999999999999999999999999999999999999.99",
             "10000000000000.00", "10000000000000.01", "-10000000000000.00",
             "9223372036854775807", "9223372036854775808", "100.0000", "0.0001"]
    for i, t in enumerate(texts):
        put("fuzz_money", f"text_{i:02d}", t)
    ints = [(0, 0, 1), (-1, 1, 1), (2**63 - 1, 1, 1), (-2**63, 1, 2), (5, 1, 10), (15, 1, 10),
            (25, 1, 10), (-25, 1, 10), (-35, 1, 10), (10**15, 125000, 1000000),
            (2**63 - 1, 2**63 - 1, 2**63 - 1), (-2**63, -1, 1), (2**62, 2, 1)]
    for i, (a, b, d) in enumerate(ints):
        put("fuzz_money", f"ints_{i:02d}", struct.pack("<qqq", a, b, d))


def date_seeds():
    texts = ["2017-02-28", "2017-02-29", "2016-02-29", "1900-02-29", "2000-02-29", "2100-02-29",
             "0000-00-00", "1899-12-31", "1900-01-01", "9999-12-31", "2017-13-01", "2017-04-31",
             "2017-1-01", "2017/01/01", "2017-11-00", "2017-11", "2017-00", "1900-01", "9999-12",
             " 2017-11", "2017-11 ", "-017-11", "+2017-11-01", "2017-12-31"]
    for i, t in enumerate(texts):
        put("fuzz_date", f"text_{i:02d}", t)
    for i, (a, b) in enumerate([(0, 0), (-1, 1), (2**31 - 1, -2**31), (17500, 17531),
                                (17562, 17590), (-25567, 2932896)]):
        put("fuzz_date", f"ints_{i:02d}", struct.pack("<ii", a, b))


if __name__ == "__main__":
    csv_seeds()
    ingest_seeds()
    money_seeds()
    date_seeds()
