import Foundation
import NIOConcurrencyHelpers

/// Per-host circuit breaker: consecutive connect failures or response timeouts (a DNS
/// failure at once) open it; while open, the host's requests fail without a try. Any
/// HTTP response from the host closes it again. After `cooldown` one request may probe.
final class HostBreaker: Sendable {
    struct Trouble: Sendable, Equatable {
        enum Kind: Sendable, Equatable { case timeout, connectTimeout, refused, dns, other }
        var kind: Kind
        var message: String
    }

    private struct HostState {
        var consecutive = 0
        var kinds: [Trouble.Kind: Int] = [:]
        var last: Trouble?
        var openedAt: Date?
        var probing = false
    }

    private let threshold: Int
    private let cooldown: TimeInterval
    private let state = NIOLockedValueBox<[String: HostState]>([:])

    init(threshold: Int, cooldown: TimeInterval) {
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
    }

    /// `nil` when the host may be tried; else why not (the breaker is open).
    func check(_ host: String, now: Date = Date()) -> String? {
        state.withLockedValue { table -> String? in
            guard var s = table[host], let opened = s.openedAt else { return nil }
            if now.timeIntervalSince(opened) >= cooldown, !s.probing {
                s.probing = true
                table[host] = s
                return nil
            }
            return Self.cause(s)
        }
    }

    /// The cause, when the breaker of `host` opened after `date` (for attempts in flight
    /// then: they end at once instead of waiting out their timeouts).
    func openedSince(_ host: String, _ date: Date) -> String? {
        state.withLockedValue { table -> String? in
            guard let s = table[host], let opened = s.openedAt, opened >= date else { return nil }
            return Self.cause(s)
        }
    }

    /// The host answered (any HTTP response): it is alive.
    func succeeded(_ host: String) {
        state.withLockedValue { table in
            if table[host] != nil { table[host] = nil }
        }
    }

    /// A connect failure or a response timeout. Returns the cause when this opened the breaker.
    @discardableResult
    func failed(_ host: String, _ trouble: Trouble) -> String? {
        state.withLockedValue { table -> String? in
            var s = table[host] ?? HostState()
            s.consecutive += 1
            s.kinds[trouble.kind, default: 0] += 1
            s.last = trouble
            s.probing = false
            var opened: String?
            if s.openedAt != nil {
                s.openedAt = Date()   // a failed probe: stays open
            } else if trouble.kind == .dns || s.consecutive >= threshold {
                s.openedAt = Date()
                opened = Self.cause(s)
            }
            table[host] = s
            return opened
        }
    }

    /// Hosts whose breaker is open, with the cause.
    var openHosts: [String: String] {
        state.withLockedValue { table in
            table.compactMapValues { $0.openedAt == nil ? nil : Self.cause($0) }
        }
    }

    /// "timed out 3 times", "connection refused 3 times", "host not found (DNS)".
    private static func cause(_ s: HostState) -> String {
        if s.kinds[.dns] != nil { return "host not found (DNS)" }
        let parts: [(Trouble.Kind, String)] = [(.connectTimeout, "could not connect (timed out)"), (.timeout, "timed out"),
                                               (.refused, "connection refused"), (.other, "connection failed")]
        let described = parts.compactMap { kind, text -> String? in
            guard let n = s.kinds[kind] else { return nil }
            return n == 1 ? "\(text) once" : "\(text) \(n) times"
        }
        return described.joined(separator: ", ")
    }
}

/// At most `total` requests at once, at most `perHost` per host; waiters are served in
/// arrival order among those whose host has room.
actor Limiter {
    private let total: Int
    private let perHost: Int
    private var running = 0
    private var byHost: [String: Int] = [:]
    private var waiters: [(host: String, continuation: CheckedContinuation<Void, Never>)] = []

    init(total: Int, perHost: Int) {
        self.total = max(1, total)
        self.perHost = max(1, perHost)
    }

    private func hasRoom(_ host: String) -> Bool {
        running < total && byHost[host, default: 0] < perHost
    }

    private func take(_ host: String) {
        running += 1
        byHost[host, default: 0] += 1
    }

    func acquire(_ host: String) async {
        if hasRoom(host) {
            take(host)
            return
        }
        await withCheckedContinuation { waiters.append((host, $0)) }
    }

    func release(_ host: String) {
        running -= 1
        let n = byHost[host, default: 1] - 1
        byHost[host] = n > 0 ? n : nil
        var i = 0
        while i < waiters.count && running < total {
            if hasRoom(waiters[i].host) {
                let w = waiters.remove(at: i)
                take(w.host)
                w.continuation.resume()
            } else {
                i += 1
            }
        }
    }
}
