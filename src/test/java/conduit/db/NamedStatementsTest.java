package conduit.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;

class NamedStatementsTest {
    @Test
    void aTextKeepsItsNameAndTwoTextsGetTwoNames() {
        String first = NamedStatements.nameOf("SELECT 1 /* NamedStatementsTest a */");
        String second = NamedStatements.nameOf("SELECT 1 /* NamedStatementsTest b */");
        assertNotNull(first);
        assertNotNull(second);
        assertNotEquals(first, second);
        // An equal text built at run time (not the same String instance) gets the same name.
        assertEquals(first, NamedStatements.nameOf(new StringBuilder("SELECT 1 /* NamedStatementsTest a */").toString()));
    }
}
