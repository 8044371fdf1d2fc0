/**
 * Front end: the {@link io.weir.compiler.parse.Lexer} splits an expression as libpcap's scanner does, the
 * {@link io.weir.compiler.parse.Parser} builds an {@link io.weir.compiler.parse.Ast} whose nodes carry source
 * spans; {@link io.weir.compiler.parse.Defs} expands {@code --defs} names first. Invariant: every syntax error is a {@link io.weir.compiler.FilterSyntaxException} naming the token.
 * <pre>{@code Ast.Expr e = Parser.parse("tcp port 22 or 80");   // 80 inherits "tcp port"}</pre>
 */
package io.weir.compiler.parse;
