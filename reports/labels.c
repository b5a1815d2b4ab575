/*
 * labels.c — one table: per rule code, its explanation and resolution in
 * English and Spanish.
 */
#include "labels.h"

#include <stdio.h>

typedef struct rule_text {
    const char *explain[LANG_COUNT], *resolve[LANG_COUNT];
} rule_text_t;

#define T(c, e1, s1, e2, s2) [c] = {{e1, s1}, {e2, s2}}
static const rule_text_t texts[RULE_COUNT] = {
    T(RULE_UNKNOWN_PRODUCT, "Product code is not in products.csv", "El código de producto no está en products.csv",
      "Add the product to master data or correct the code", "Agregue el producto a los datos maestros o corrija el código"),
    T(RULE_UNKNOWN_PARTNER, "Partner is not in partners.csv", "El socio no está en partners.csv",
      "Add the partner or correct partner_id", "Agregue el socio o corrija partner_id"),
    T(RULE_DISCONNECT_FOLLOWS_SERVICE, "Disconnect follows the agreement of the service it ends", "La baja sigue el acuerdo del servicio que termina",
      "Nothing to resolve", "Nada que resolver"),
    T(RULE_ORIGINAL_NOT_FOUND, "Original order is not known (or sorts later in the same file)", "La orden original no se conoce (o aparece después en el mismo archivo)",
      "Deliver the original order first or correct original_order_id", "Entregue primero la orden original o corrija original_order_id"),
    T(RULE_ORIGINAL_NOT_ATTRIBUTED, "Original order was held or rejected", "La orden original fue retenida o rechazada",
      "Resolve the original order's exception", "Resuelva la excepción de la orden original"),
    T(RULE_PORTFOLIO_MISMATCH, "Product portfolio differs from the legacy company of the agreement", "La cartera del producto difiere de la compañía del acuerdo",
      "Order the product under an agreement of its portfolio", "Pida el producto bajo un acuerdo de su cartera"),
    T(RULE_FOLLOWS_ORIGINAL, "Incremental service follows the original service's company (P2)", "El servicio incremental sigue a la compañía del servicio original (P2)",
      "Nothing to resolve", "Nada que resolver"),
    T(RULE_NO_AGREEMENT_FOR_PORTFOLIO, "Partner has no active agreement for this portfolio", "El socio no tiene acuerdo activo para esta cartera",
      "Sign or activate an agreement of the portfolio", "Firme o active un acuerdo de la cartera"),
    T(RULE_AMBIGUOUS_AGREEMENT, "Partner has several active agreements for this portfolio", "El socio tiene varios acuerdos activos para esta cartera",
      "Name the agreement on the order", "Indique el acuerdo en la orden"),
    T(RULE_UNKNOWN_AGREEMENT, "Named agreement does not exist", "El acuerdo indicado no existe",
      "Correct agreement_id", "Corrija agreement_id"),
    T(RULE_AGREEMENT_PARTNER_MISMATCH, "Named agreement belongs to another partner", "El acuerdo indicado pertenece a otro socio",
      "Name one of the partner's own agreements", "Indique un acuerdo propio del socio"),
    T(RULE_CROSS_PORTFOLIO, "Product portfolio differs from the named agreement's company (P1: no cross-selling)", "La cartera del producto difiere de la compañía del acuerdo (P1: sin venta cruzada)",
      "Re-submit under an agreement of the product's portfolio", "Vuelva a enviar bajo un acuerdo de la cartera del producto"),
    T(RULE_AGREEMENT_INACTIVE, "Agreement is not active on that date", "El acuerdo no está activo en esa fecha",
      "Check the agreement's dates or the order date", "Revise las fechas del acuerdo o de la orden"),
    T(RULE_NAMED_AGREEMENT, "Paid under the agreement named on the order", "Pagado bajo el acuerdo indicado en la orden",
      "Nothing to resolve", "Nada que resolver"),
    T(RULE_PORTFOLIO_DEFAULT, "Paid under the partner's only active agreement of the portfolio", "Pagado bajo el único acuerdo activo de la cartera",
      "Nothing to resolve", "Nada que resolver"),
    T(RULE_JOINT_WITHOUT_PRIOR_APPROVAL, "Joint CenturyLink + Level 3 opportunity without prior written approval (P4)", "Oportunidad conjunta CenturyLink + Level 3 sin aprobación escrita previa (P4)",
      "Record an approval dated on or before the order date", "Registre una aprobación con fecha igual o anterior a la orden"),
    T(RULE_CURRENCY_MISMATCH, "Currency differs from the agreement's currency", "La moneda difiere de la del acuerdo",
      "Correct the currency", "Corrija la moneda"),
    T(RULE_SERVICE_ORDER, "Assigned through the service's order", "Asignado a través de la orden del servicio",
      "Nothing to resolve", "Nada que resolver"),
    T(RULE_SERVICE_NOT_ATTRIBUTED, "The service's order was held or rejected", "La orden del servicio fue retenida o rechazada",
      "Resolve the order's exception", "Resuelva la excepción de la orden"),
    T(RULE_ACCOUNT_OWNER, "Assigned to the account's recorded owner (P3)", "Asignado al titular registrado de la cuenta (P3)",
      "Nothing to resolve", "Nada que resolver"),
    T(RULE_NO_OWNER, "No owner for the account: house revenue", "La cuenta no tiene titular: ingreso de la casa",
      "Record the account owner in accounts.csv if a partner owns it", "Registre el titular en accounts.csv si corresponde"),
    T(RULE_NO_RATE, "No rate row matches: commission 0", "Ninguna tarifa aplica: comisión 0",
      "Add a rate row for the plan, category and tier", "Agregue una tarifa para el plan, categoría y nivel"),
    T(RULE_NOT_COMMISSIONABLE, "Product is not commissionable", "El producto no es comisionable",
      "Nothing to resolve", "Nada que resolver"),
    T(RULE_TERM_BELOW_MINIMUM, "Term is below the spiff's minimum term", "El plazo es menor al mínimo que exige el bono",
      "Nothing to resolve", "Nada que resolver"),
    T(RULE_MONTHS_SERVED, "Spiff charged back for the months of term not served", "Bono revertido por los meses del plazo no cumplidos",
      "Nothing to resolve", "Nada que resolver"),
    T(RULE_RESTATES, "Correction of an earlier period's revenue", "Corrección del ingreso de un período anterior",
      "Nothing to resolve", "Nada que resolver"),
    T(RULE_ENTRY, "Entry tier: no review yet", "Nivel de entrada: todavía sin revisión", "Nothing to resolve", "Nada que resolver"),
    T(RULE_REVIEW, "The last review changed the tier", "La última revisión cambió el nivel", "Nothing to resolve", "Nada que resolver"),
    T(RULE_CARRIED, "The last review confirmed the tier", "La última revisión confirmó el nivel", "Nothing to resolve", "Nada que resolver"),
    T(RULE_FROZEN, "Tier frozen by the program (P7)", "Nivel congelado por el programa (P7)", "Nothing to resolve", "Nada que resolver"),
    T(RULE_AWARDED, "Points awarded", "Puntos otorgados", "Nothing to resolve", "Nada que resolver"),
    T(RULE_ACTIVITY_NOT_IN_PHASE, "Activity earns no points in this phase", "La actividad no otorga puntos en esta fase",
      "Check the activity code", "Revise el código de actividad"),
    T(RULE_PREREQUISITE_NOT_MET, "Not enough points yet for this activity", "Aún no tiene puntos suficientes para esta actividad",
      "Earn the required points first", "Obtenga primero los puntos requeridos"),
    T(RULE_ALREADY_AWARDED, "This activity counts once and was already awarded", "Esta actividad cuenta una vez y ya fue otorgada",
      "Nothing to resolve", "Nada que resolver"),
    T(RULE_NO_MARKETPLACE_AGREEMENT, "Partner has no active Marketplace agreement", "El socio no tiene acuerdo Marketplace activo",
      "Sign a Marketplace agreement", "Firme un acuerdo Marketplace"),
    T(RULE_MET, "Commitment met", "Compromiso cumplido", "Nothing to resolve", "Nada que resolver"),
    T(RULE_MISSED, "Commitment missed at its end", "Compromiso no cumplido al final", "Nothing to resolve", "Nada que resolver"),
    T(RULE_ON_TRACK, "Commitment on track", "Compromiso al día", "Nothing to resolve", "Nada que resolver"),
    T(RULE_AT_RISK, "Commitment behind its pace", "Compromiso atrasado", "Increase sales under this agreement", "Aumente las ventas bajo este acuerdo"),
    T(RULE_PAID, "Balance paid", "Saldo pagado", "Nothing to resolve", "Nada que resolver"),
    T(RULE_NOT_DUE, "Quarterly agreement: paid in 03, 06, 09 and 12", "Acuerdo trimestral: se paga en 03, 06, 09 y 12",
      "Nothing to resolve", "Nada que resolver"),
    T(RULE_ON_HOLD, "Partner on hold: balance carried", "Pagos del socio suspendidos: el saldo pasa al período siguiente", "Release the hold", "Levantar la suspensión de pagos"),
    T(RULE_NEGATIVE, "Negative balance carried forward", "Saldo negativo: pasa al período siguiente", "Future earnings offset it", "Se compensa con ganancias futuras"),
    T(RULE_BELOW_MINIMUM, "Balance below the minimum payout: carried", "Saldo menor al pago mínimo: pasa al período siguiente",
      "Nothing to resolve", "Nada que resolver"),
    T(RULE_MISSING_VALUE, "A required value is blank", "Falta un valor requerido", "Fill in the column", "Complete la columna"),
    T(RULE_BAD_ID, "Not a valid identifier", "Identificador no válido", "Use 1-64 of A-Z a-z 0-9 . _ : / -", "Use 1-64 de A-Z a-z 0-9 . _ : / -"),
    T(RULE_BAD_DATE, "Not a real YYYY-MM-DD date", "No es una fecha AAAA-MM-DD válida", "Correct the date", "Corrija la fecha"),
    T(RULE_BAD_PERIOD, "Not a valid YYYY-MM period", "No es un período AAAA-MM válido", "Correct the period", "Corrija el período"),
    T(RULE_BAD_MONEY, "Not a valid amount", "No es un monto válido", "Write -D.DD without separators or symbols", "Escriba -D.DD sin separadores ni símbolos"),
    T(RULE_BAD_ENUM, "Not one of the allowed values", "No es un valor permitido", "Use an allowed value", "Use un valor permitido"),
    T(RULE_BAD_CURRENCY, "Not a valid currency for this row", "Moneda no válida para esta fila", "Use the agreement's ISO 4217 code", "Use el código ISO 4217 del acuerdo"),
    T(RULE_BAD_INT, "Not a whole number", "No es un número entero", "Correct the number", "Corrija el número"),
    T(RULE_BAD_TEXT, "Text too long (over 256 bytes)", "Texto demasiado largo (más de 256 bytes)", "Shorten the text", "Acorte el texto"),
    T(RULE_WRONG_FIELD_COUNT, "Row has a different number of fields than the header", "La fila tiene distinto número de campos que el encabezado",
      "Fix the row's commas or quotes", "Corrija las comas o comillas de la fila"),
    T(RULE_DUPLICATE_ID, "Id seen before: the first occurrence stands", "Id repetido: vale la primera aparición", "Remove the duplicate", "Elimine el duplicado"),
    T(RULE_WRONG_PERIOD, "Revenue of another period", "Ingreso de otro período", "Deliver it with its own period", "Entréguelo en su propio período"),
    T(RULE_UNAPPROVED, "Adjustment without a second approver", "Ajuste sin un segundo aprobador", "Have another person approve it", "Que otra persona lo apruebe"),
    T(RULE_ORDER_CONFLICT, "Re-delivered order differs from the recorded one", "La orden reenviada difiere de la registrada",
      "Correct it through an adjustment or a new order", "Corríjala con un ajuste o una nueva orden"),
    T(RULE_DUPLICATE_IGNORED, "Identical re-delivery ignored", "Reenvío idéntico ignorado", "Nothing to resolve", "Nada que resolver"),
    T(RULE_INSTALL_UPDATE, "Install date recorded on a known order", "Fecha de instalación registrada en una orden conocida", "Nothing to resolve", "Nada que resolver"),
};

const char *rule_explain(lang_t lang, rule_code code)
{
    if ((int)code <= 0 || code >= RULE_COUNT || !texts[code].explain[lang])
        return "";
    return texts[code].explain[lang];
}

const char *rule_resolve(lang_t lang, rule_code code)
{
    if ((int)code <= 0 || code >= RULE_COUNT || !texts[code].resolve[lang])
        return "";
    return texts[code].resolve[lang];
}

const char *month_name(lang_t lang, int month)
{
    static const char *const names[LANG_COUNT][12] = {
        {"January", "February", "March", "April", "May", "June", "July", "August", "September",
         "October", "November", "December"},
        {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
         "octubre", "noviembre", "diciembre"}};
    return month >= 1 && month <= 12 ? names[lang][month - 1] : "";
}
