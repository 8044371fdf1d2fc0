package io.weir.spark;

import java.util.Locale;
import org.apache.spark.sql.catalyst.analysis.NoSuchFunctionException;
import org.apache.spark.sql.connector.catalog.FunctionCatalog;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * Weir's SQL functions as a Spark {@link FunctionCatalog}: register it under a catalog name and call its
 * functions with that prefix.
 *
 * <pre>{@code
 * spark.conf().set("spark.sql.catalog.weir", "io.weir.spark.WeirFunctions");
 * spark.sql("SELECT count(*) FROM packets WHERE weir.bpf(data, 'tcp port 443', linktype)");
 * }</pre>
 *
 * <p>It holds one function, {@link BpfFunction bpf}, in the empty namespace. The catalog has no tables: it is
 * only a place Spark looks functions up.
 */
public final class WeirFunctions implements FunctionCatalog {
    private String name = "weir";

    @Override
    public void initialize(String catalogName, CaseInsensitiveStringMap options) {
        this.name = catalogName;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Identifier[] listFunctions(String[] namespace) {
        return namespace.length == 0 ? new Identifier[] {Identifier.of(namespace, BpfFunction.NAME)}
                : new Identifier[0];
    }

    @Override
    public UnboundFunction loadFunction(Identifier ident) throws NoSuchFunctionException {
        if (ident.namespace().length == 0 && BpfFunction.NAME.equals(ident.name().toLowerCase(Locale.ROOT))) {
            return new BpfFunction();
        }
        throw new NoSuchFunctionException(ident);
    }
}
