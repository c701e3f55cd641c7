package io.ledgerstream.core;

/** Field format rules shared by the core. Stateless. */
final class Validation {
    private Validation() {}

    /** Non-null, non-blank, at most {@link Ledger#MAX_ID_LENGTH_CHARS} UTF-16 chars. */
    static boolean isValidId(String id) {
        return id != null && !id.isBlank() && id.length() <= Ledger.MAX_ID_LENGTH_CHARS;
    }

    /** Exactly three ASCII upper-case letters. */
    static boolean isValidCurrency(String currency) {
        if (currency == null || currency.length() != 3) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            char c = currency.charAt(i);
            if (c < 'A' || c > 'Z') {
                return false;
            }
        }
        return true;
    }
}
