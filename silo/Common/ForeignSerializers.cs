using Coordination.Silo.Common;

// Actor lives in Coordination.Tokens (shared with the coord CLI, which must not reference the silo);
// its serializer is generated here, where the Orleans code generator runs.
[assembly: GenerateCodeForDeclaringAssembly(typeof(Actor))]
