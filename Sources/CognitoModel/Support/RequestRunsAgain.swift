/// An error that is not a failure: the request that met it is run again from the start (a node answered
/// from a cache that another node's write made stale). Whoever turns errors into answers passes it on
/// quietly; the answer it would give is never sent.
public protocol RequestRunsAgain: Error {}
