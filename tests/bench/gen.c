/*
 * gen.c — seeded generator of realistic commission datasets of any size
 * (issue 7): partners with dual CTL + LVL3 agreements, marketplace
 * providers, accounts, commitments, and per month new / incremental /
 * renewal / disconnect orders, joint opportunities with approvals, and
 * billed revenue rows referencing services or account owners.
 *
 *   gen --out DIR [--partners 10000] [--orders 1000000] [--revenue 10000000]
 *       [--months 3] [--start 2017-10] [--seed 1]
 *
 * Same arguments, same bytes. Not for: correctness fixtures (hand-written).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static long pick(long n) { return (long)(rnd() % (uint64_t)n); }

static FILE *open_csv(const char *dir, const char *name, const char *header)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    fprintf(f, "%s\n", header);
    return f;
}

static void mkdirs(const char *p)
{
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s", p);
    for (char *s = buf + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(buf, 0777);
            *s = '/';
        }
    mkdir(buf, 0777);
}

static const char *const legacies[] = {"CTL", "LVL3", "MKT"};
#define NPRODUCTS 300

typedef struct agr {
    int partner, legacy;
} agr_t;

int main(int argc, char **argv)
{
    const char *out = NULL;
    long partners = 10000, orders = 1000000, revenue = 10000000, months = 3, seed = 1;
    int sy = 2017, sm = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--out")) out = argv[i + 1];
        else if (!strcmp(argv[i], "--partners")) partners = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--orders")) orders = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--revenue")) revenue = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--months")) months = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--seed")) seed = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--start")) sscanf(argv[i + 1], "%d-%d", &sy, &sm);
    }
    if (!out || partners < 1 || months < 1) {
        fprintf(stderr, "usage: gen --out DIR [--partners N] [--orders N] [--revenue N] "
                        "[--months N] [--start YYYY-MM] [--seed N]\n");
        return 2;
    }
    rng_state ^= (uint64_t)seed * 0x9E3779B97F4A7C15ULL;
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/master", out);
    mkdirs(dir);

    /* partners: every 5th holds CTL + LVL3, every 50th is a marketplace provider */
    FILE *f = open_csv(dir, "partners.csv", "partner_id,name,kind,language,status");
    for (long p = 0; p < partners; p++)
        fprintf(f, "P%06ld,Partner %ld Networks,%s,%s,%s\n", p, p,
                p % 50 == 0 ? "provider" : p % 7 == 0 ? "master_agent" : "agent",
                p % 9 == 0 ? "es" : "en", p % 97 == 3 ? "hold" : "active");
    fclose(f);
    agr_t *ag = malloc(sizeof(agr_t) * (size_t)partners * 2);
    long nag = 0;
    f = open_csv(dir, "agreements.csv",
                 "agreement_id,partner_id,legacy,plan_id,currency,start_date,end_date,"
                 "payment_interval,payment_lag_days,min_payout");
    for (long p = 0; p < partners; p++) {
        int first = p % 50 == 0 ? 2 : (int)(p % 2);
        int count = p % 5 == 0 && first < 2 ? 2 : 1;
        for (int k = 0; k < count; k++) {
            int leg = first < 2 ? (first + k) % 2 : 2;
            fprintf(f, "A%06ld%c,P%06ld,%s,%s,USD,2016-01-01,,%s,%d,%s\n", p, 'a' + k, p,
                    legacies[leg], leg == 0 ? "ASCEND-STD" : leg == 1 ? "L3-CHANNEL" : "MKT-STD",
                    p % 4 == 0 ? "quarterly" : "monthly", 30 + (int)(p % 3) * 15,
                    p % 3 == 0 ? "100.00" : "0.00");
            ag[nag].partner = (int)p;
            ag[nag].legacy = leg;
            nag++;
        }
    }
    fclose(f);
    f = open_csv(dir, "products.csv", "product_code,name,portfolio,category,commissionable");
    static const char *const cats[] = {"voice", "data", "cloud", "security", "managed"};
    for (int i = 0; i < NPRODUCTS; i++)
        fprintf(f, "PR%03d,Product %d,%s,%s,%s\n", i, i, legacies[i % 3], cats[i % 5],
                i % 29 == 0 ? "no" : "yes");
    fclose(f);
    long naccounts = nag * 4;
    f = open_csv(dir, "accounts.csv", "account_id,owner_agreement_id");
    for (long a = 0; a < naccounts; a++) {
        long g = a / 4;
        fprintf(f, "AC%07ld,A%06d%c\n", a, ag[g].partner,
                g > 0 && ag[g - 1].partner == ag[g].partner ? 'b' : 'a');
    }
    fclose(f);
    f = open_csv(dir, "commitments.csv",
                 "commitment_id,agreement_id,basis,amount,start_period,end_period");
    for (long g = 0; g < nag; g += 10)
        fprintf(f, "C%06ld,A%06d%c,%s,%ld.00,%04d-%02d,%04d-12\n", g, ag[g].partner,
                g > 0 && ag[g - 1].partner == ag[g].partner ? 'b' : 'a',
                g % 20 == 0 ? "revenue" : "mrc", 5000 + pick(200000), sy, sm, sy + 1);
    fclose(f);

    /* orders known so far, to reference as originals and services */
    long cap = orders * months + 1, norders = 0;
    long *order_account = malloc(sizeof(long) * (size_t)cap);
    int *order_product = malloc(sizeof(int) * (size_t)cap);
    for (long mth = 0; mth < months; mth++) {
        int y = sy + (sm - 1 + (int)mth) / 12, m = (sm - 1 + (int)mth) % 12 + 1;
        char pdir[1100], period[24];
        snprintf(period, sizeof(period), "%04d-%02d", y, m);
        snprintf(pdir, sizeof(pdir), "%s/periods/%s", out, period);
        mkdirs(pdir);
        f = open_csv(pdir, "orders.csv",
                     "order_id,partner_id,agreement_id,account_id,product_code,order_type,"
                     "original_order_id,opportunity_id,order_date,install_date,mrc,nrc,currency,"
                     "term_months");
        FILE *ap = open_csv(pdir, "approvals.csv",
                            "approval_id,opportunity_id,approved_on,approved_by,document_ref");
        long base = norders;
        for (long i = 0; i < orders; i++) {
            long acc = pick(naccounts), g = acc / 4;
            int leg = ag[g].legacy;
            int prod = (int)(pick(NPRODUCTS / 3) * 3 + leg);
            long r = pick(100);
            const char *type = "new";
            long orig = -1;
            if (base > 0 && r < 15) {
                /* an incremental order adds to the original's service: a
                 * product of its portfolio, but 1 in 50 crosses portfolios
                 * (held portfolio_mismatch) */
                type = "incremental";
                orig = pick(base);
                acc = order_account[orig];
                if (pick(50) != 0)
                    prod = (int)(pick(NPRODUCTS / 3) * 3 + order_product[orig] % 3);
            } else if (base > 0 && r < 20) {
                type = "disconnect";
                orig = pick(base);
                acc = order_account[orig];
                prod = order_product[orig];
            } else if (r < 25) {
                type = "renewal";
            }
            g = acc / 4;
            char opp[32] = "", origid[24] = "", install[40] = "";
            if (r % 17 == 0)
                snprintf(opp, sizeof(opp), "OPP%ld", (norders / 2) % 100000);
            if (orig >= 0)
                snprintf(origid, sizeof(origid), "O%09ld", orig);
            if (r % 3 != 0)
                snprintf(install, sizeof(install), "%s-28", period);
            int day = 1 + (int)pick(27);
            fprintf(f, "O%09ld,P%06d,,AC%07ld,PR%03d,%s,%s,%s,%s-%02d,%s,%ld.%02ld,%ld.00,USD,%d\n",
                    norders, ag[g].partner, acc, prod, type, origid, opp, period, day, install,
                    50 + pick(5000), pick(100), pick(1000), r % 4 == 0 ? 12 : 36);
            order_account[norders] = acc;
            order_product[norders] = prod;
            norders++;
            if (opp[0] && r % 34 == 0)
                fprintf(ap, "AP%09ld,%s,%s-01,Channel Chief,DOC-%ld\n", norders, opp, period, norders);
        }
        fclose(f);
        fclose(ap);
        f = open_csv(pdir, "revenue.csv",
                     "revenue_id,period,account_id,service_id,product_code,amount,currency");
        for (long i = 0; i < revenue; i++) {
            long svc = norders ? pick(norders) : -1;
            int by_service = svc >= 0 && pick(10) < 7;
            /* 2% of accounts beyond the master list: house revenue (no_owner) */
            long acc = by_service ? order_account[svc] : pick(naccounts + naccounts / 50);
            long g = acc < naccounts ? acc / 4 : 0;
            int prod = by_service ? order_product[svc] : (int)(pick(NPRODUCTS / 3) * 3 + ag[g].legacy);
            long amt = pick(200000) - (pick(50) == 0 ? 150000 : 0);
            char sid[24] = "";
            if (by_service)
                snprintf(sid, sizeof(sid), "O%09ld", svc);
            fprintf(f, "R%s-%010ld,%s,AC%07ld,%s,PR%03d,%s%ld.%02ld,USD\n", period, i, period, acc,
                    sid, prod, amt < 0 ? "-" : "", labs(amt) / 100, labs(amt) % 100);
        }
        fclose(f);
    }
    free(ag);
    free(order_account);
    free(order_product);
    return 0;
}
