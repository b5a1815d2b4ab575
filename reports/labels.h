/*
 * labels.h — en/es texts: what a rule code means and what resolves it.
 * Used by the workbook, the statements and `explain`. Never NULL.
 */
#ifndef COMMISSIONS_LABELS_H
#define COMMISSIONS_LABELS_H

#include "model.h"

const char *rule_explain(lang_t lang, rule_code code);
const char *rule_resolve(lang_t lang, rule_code code);
const char *month_name(lang_t lang, int month);

#endif
