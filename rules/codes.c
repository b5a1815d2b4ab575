/*
 * codes.c — the spec's spelling of every rule code (one table, indexed by
 * the enum, so a code and its name cannot drift apart).
 */
#include "codes.h"

#include <string.h>

static const char *const rule_names[RULE_COUNT] = {
    [RULE_NONE] = "",
    [RULE_UNKNOWN_PRODUCT] = "unknown_product",
    [RULE_UNKNOWN_PARTNER] = "unknown_partner",
    [RULE_DISCONNECT_FOLLOWS_SERVICE] = "disconnect_follows_service",
    [RULE_ORIGINAL_NOT_FOUND] = "original_not_found",
    [RULE_ORIGINAL_NOT_ATTRIBUTED] = "original_not_attributed",
    [RULE_PORTFOLIO_MISMATCH] = "portfolio_mismatch",
    [RULE_FOLLOWS_ORIGINAL] = "follows_original",
    [RULE_NO_AGREEMENT_FOR_PORTFOLIO] = "no_agreement_for_portfolio",
    [RULE_AMBIGUOUS_AGREEMENT] = "ambiguous_agreement",
    [RULE_UNKNOWN_AGREEMENT] = "unknown_agreement",
    [RULE_AGREEMENT_PARTNER_MISMATCH] = "agreement_partner_mismatch",
    [RULE_CROSS_PORTFOLIO] = "cross_portfolio",
    [RULE_AGREEMENT_INACTIVE] = "agreement_inactive",
    [RULE_NAMED_AGREEMENT] = "named_agreement",
    [RULE_PORTFOLIO_DEFAULT] = "portfolio_default",
    [RULE_JOINT_WITHOUT_PRIOR_APPROVAL] = "joint_without_prior_approval",
    [RULE_CURRENCY_MISMATCH] = "currency_mismatch",
    [RULE_SERVICE_ORDER] = "service_order",
    [RULE_SERVICE_NOT_ATTRIBUTED] = "service_not_attributed",
    [RULE_ACCOUNT_OWNER] = "account_owner",
    [RULE_NO_OWNER] = "no_owner",
    [RULE_NO_RATE] = "no_rate",
    [RULE_NOT_COMMISSIONABLE] = "not_commissionable",
    [RULE_TERM_BELOW_MINIMUM] = "term_below_minimum",
    [RULE_MONTHS_SERVED] = "months_served",
    [RULE_RESTATES] = "restates",
    [RULE_ENTRY] = "entry",
    [RULE_REVIEW] = "review",
    [RULE_CARRIED] = "carried",
    [RULE_FROZEN] = "frozen",
    [RULE_AWARDED] = "awarded",
    [RULE_ACTIVITY_NOT_IN_PHASE] = "activity_not_in_phase",
    [RULE_PREREQUISITE_NOT_MET] = "prerequisite_not_met",
    [RULE_ALREADY_AWARDED] = "already_awarded",
    [RULE_NO_MARKETPLACE_AGREEMENT] = "no_marketplace_agreement",
    [RULE_MET] = "met",
    [RULE_MISSED] = "missed",
    [RULE_ON_TRACK] = "on_track",
    [RULE_AT_RISK] = "at_risk",
    [RULE_PAID] = "paid",
    [RULE_NOT_DUE] = "not_due",
    [RULE_ON_HOLD] = "on_hold",
    [RULE_NEGATIVE] = "negative",
    [RULE_BELOW_MINIMUM] = "below_minimum",
    [RULE_MISSING_VALUE] = "missing_value",
    [RULE_BAD_ID] = "bad_id",
    [RULE_BAD_DATE] = "bad_date",
    [RULE_BAD_PERIOD] = "bad_period",
    [RULE_BAD_MONEY] = "bad_money",
    [RULE_BAD_ENUM] = "bad_enum",
    [RULE_BAD_CURRENCY] = "bad_currency",
    [RULE_BAD_INT] = "bad_int",
    [RULE_BAD_TEXT] = "bad_text",
    [RULE_WRONG_FIELD_COUNT] = "wrong_field_count",
    [RULE_DUPLICATE_ID] = "duplicate_id",
    [RULE_WRONG_PERIOD] = "wrong_period",
    [RULE_UNAPPROVED] = "unapproved",
    [RULE_ORDER_CONFLICT] = "order_conflict",
    [RULE_DUPLICATE_IGNORED] = "duplicate_ignored",
    [RULE_INSTALL_UPDATE] = "install_update",
};

const char *rule_name(rule_code code)
{
    if ((int)code < 0 || code >= RULE_COUNT || !rule_names[code])
        return "";
    return rule_names[code];
}

rule_code rule_from_name(const char *name)
{
    if (!name || !*name)
        return RULE_NONE;
    for (int i = 1; i < RULE_COUNT; i++)
        if (rule_names[i] && strcmp(rule_names[i], name) == 0)
            return (rule_code)i;
    return RULE_NONE;
}
