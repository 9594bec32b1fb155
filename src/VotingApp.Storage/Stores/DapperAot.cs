// Dapper.AOT replaces every Dapper call in this assembly (QueryAsync, ExecuteAsync, …) at build time with
// generated code (C# interceptors, enabled in the csproj), so that the Native AOT service needs none of
// Dapper's reflection and ref-emit.
[module: Dapper.DapperAot]
