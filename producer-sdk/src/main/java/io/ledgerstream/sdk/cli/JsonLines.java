package io.ledgerstream.sdk.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.sdk.AccountSnapshot;
import io.ledgerstream.sdk.Outcome;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.IndexedRecord;

/** Renders outcomes and ledger events as single-line JSON objects. Stateless and thread-safe. */
final class JsonLines {

    private static final HexFormat HEX = HexFormat.of();

    private final ObjectMapper mapper;

    JsonLines(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** {@code {"requestId":..,"accountId":..,"commandType":"Deposit","status":"ACCEPTED",...}}. */
    String outcome(Outcome o) {
        ObjectNode n = mapper.createObjectNode()
                .put("requestId", o.requestId())
                .put("accountId", o.accountId())
                .put("commandType", o.commandType().wireName())
                .put("status", o.status().name())
                .put("reason", o.reason() == null ? null : o.reason().name())
                .put("detail", o.detail())
                .put("currentVersion", o.currentVersion())
                .put("replay", o.replay())
                .put("processedAtMs", o.processedAtMs());
        ArrayNode accounts = n.putArray("accounts");
        for (AccountSnapshot a : o.accounts()) {
            accounts.addObject()
                    .put("accountId", a.accountId())
                    .put("version", a.version())
                    .put("balance", a.balance())
                    .put("available", a.available())
                    .put("currency", a.currency());
        }
        return write(n);
    }

    /** {@code {"accountId":..,"version":..,...,"type":"Credited","body":{...}}}; hashes in lower-case hex. */
    String event(LedgerEvent e) {
        ObjectNode n = mapper.createObjectNode()
                .put("accountId", e.getAccountId())
                .put("version", e.getVersion())
                .put("requestId", e.getRequestId())
                .put("timestampMs", e.getTimestampMs())
                .put("currency", e.getCurrency())
                .put("balanceAfter", e.getBalanceAfter())
                .put("heldAfter", e.getHeldAfter())
                .put("prevHash", hex(e.getPrevHash()))
                .put("hash", hex(e.getHash()));
        Object body = e.getBody();
        n.put("type", body instanceof GenericContainer c ? c.getSchema().getName() : String.valueOf(body));
        n.set("body", mapper.valueToTree(toPlain(body)));
        return write(n);
    }

    private String write(ObjectNode n) {
        try {
            return mapper.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    /** Avro values to plain Java values Jackson renders: records to maps, bytes to hex, enums to names. */
    private static Object toPlain(Object value) {
        if (value instanceof IndexedRecord r) {
            java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
            for (Schema.Field f : r.getSchema().getFields()) {
                map.put(f.name(), toPlain(r.get(f.pos())));
            }
            return map;
        }
        if (value instanceof ByteBuffer b) {
            return hex(b);
        }
        if (value instanceof CharSequence s) {
            return s.toString();
        }
        if (value instanceof Enum<?> en) {
            return en.name();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(JsonLines::toPlain).toList();
        }
        return value;
    }

    private static String hex(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return HEX.formatHex(bytes);
    }
}
