/*
 * codes.h — every rule code, status and reason the batch writes, as one enum.
 *
 * The identifier (RULE_CROSS_PORTFOLIO) is used where the decision is made;
 * the spec's spelling ("cross_portfolio") lives once, in codes.c. Reports
 * translate codes into sentences (reports/labels.c); rules never hold prose.
 */
#ifndef COMMISSIONS_CODES_H
#define COMMISSIONS_CODES_H

typedef enum rule_code {
    RULE_NONE = 0,
    /* 4.1 attribution */
    RULE_UNKNOWN_PRODUCT,
    RULE_UNKNOWN_PARTNER,
    RULE_DISCONNECT_FOLLOWS_SERVICE,
    RULE_ORIGINAL_NOT_FOUND,
    RULE_ORIGINAL_NOT_ATTRIBUTED,
    RULE_PORTFOLIO_MISMATCH,
    RULE_FOLLOWS_ORIGINAL,
    RULE_NO_AGREEMENT_FOR_PORTFOLIO,
    RULE_AMBIGUOUS_AGREEMENT,
    RULE_UNKNOWN_AGREEMENT,
    RULE_AGREEMENT_PARTNER_MISMATCH,
    RULE_CROSS_PORTFOLIO,
    RULE_AGREEMENT_INACTIVE,
    RULE_NAMED_AGREEMENT,
    RULE_PORTFOLIO_DEFAULT,
    RULE_JOINT_WITHOUT_PRIOR_APPROVAL,
    RULE_CURRENCY_MISMATCH,
    /* 4.2 revenue assignment */
    RULE_SERVICE_ORDER,
    RULE_SERVICE_NOT_ATTRIBUTED,
    RULE_ACCOUNT_OWNER,
    RULE_NO_OWNER,
    /* 4.4 line notes */
    RULE_NO_RATE,
    RULE_NOT_COMMISSIONABLE,
    RULE_TERM_BELOW_MINIMUM,
    RULE_MONTHS_SERVED, /* written as months_served=N */
    RULE_RESTATES,      /* §4.8, written as "restates P" */
    /* 4.3 tiers */
    RULE_ENTRY,
    RULE_REVIEW,
    RULE_CARRIED,
    RULE_FROZEN,
    /* 4.6 points */
    RULE_AWARDED,
    RULE_ACTIVITY_NOT_IN_PHASE,
    RULE_PREREQUISITE_NOT_MET,
    RULE_ALREADY_AWARDED,
    RULE_NO_MARKETPLACE_AGREEMENT,
    /* 4.5 commitment status */
    RULE_MET,
    RULE_MISSED,
    RULE_ON_TRACK,
    RULE_AT_RISK,
    /* 4.7 payable status */
    RULE_PAID,
    RULE_NOT_DUE,
    RULE_ON_HOLD,
    RULE_NEGATIVE,
    RULE_BELOW_MINIMUM,
    /* §8.1 reject reasons */
    RULE_MISSING_VALUE,
    RULE_BAD_ID,
    RULE_BAD_DATE,
    RULE_BAD_PERIOD,
    RULE_BAD_MONEY,
    RULE_BAD_ENUM,
    RULE_BAD_CURRENCY,
    RULE_BAD_INT,
    RULE_BAD_TEXT,
    RULE_WRONG_FIELD_COUNT,
    RULE_DUPLICATE_ID,
    RULE_WRONG_PERIOD,
    RULE_UNAPPROVED,
    RULE_ORDER_CONFLICT,
    /* counted only (§8.2) */
    RULE_DUPLICATE_IGNORED,
    RULE_INSTALL_UPDATE,
    RULE_COUNT
} rule_code;

/* The spec's spelling of a code ("cross_portfolio"). Never NULL. */
const char *rule_name(rule_code code);

/* Inverse of rule_name; RULE_NONE for an unknown or empty name. */
rule_code rule_from_name(const char *name);

#endif
