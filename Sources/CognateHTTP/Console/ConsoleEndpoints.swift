import CognateServices
import CognateStorage
import CognitoModel
import Foundation
import HTTPTypes
import Hummingbird

/// The admin console at `/_cognate/console`: pools, app clients and users to browse (users searched with
/// the ListUsers filter), a user's attributes, groups, MFA, devices, tokens and messages, the outbox, and
/// the administrator's changes — disable, enable, set or reset a password, sign out everywhere, delete —
/// made through the API's own operations. Resetting the server is offered with the test endpoints only.
struct ConsoleEndpoints: Sendable {
    let api: ConsoleAPI
    let inspector: AccountInspector
    let access: ConsoleAccess
    let pages: ConsolePages
    /// Resets the server; nil when the test endpoints are off.
    let reset: ServerReset?

    static let root = ConsoleAccess.path

    func add(to router: Router<some RemoteAddressRequestContext>) {
        router.get(RouterPath(Self.root)) { request, _ in await page(request) { frame in await home(request, frame) } }
        router.get(RouterPath(Self.root + "/pools/:poolId")) { request, context in
            await page(request) { frame in await pool(context.parameters.get("poolId") ?? "", request: request, frame) }
        }
        router.get(RouterPath(Self.root + "/pools/:poolId/clients/:clientId")) { request, context in
            await page(request) { frame in
                await client(poolID: context.parameters.get("poolId") ?? "", clientID: context.parameters.get("clientId") ?? "", frame)
            }
        }
        router.get(RouterPath(Self.root + "/pools/:poolId/user")) { request, context in
            await page(request) { frame in
                let query = Self.query(request)
                return await user(
                    poolID: context.parameters.get("poolId") ?? "", username: query["username"] ?? "", frame,
                    notice: query["done"].flatMap(Self.notices.index(forKey:)).map { Self.notices[$0].value })
            }
        }
        router.post(RouterPath(Self.root + "/pools/:poolId/user")) { request, context in
            await change(request) { form, frame in await userAction(poolID: context.parameters.get("poolId") ?? "", form: form, frame) }
        }
        router.get(RouterPath(Self.root + "/outbox")) { request, _ in await page(request) { frame in await outbox(request, frame) } }
        router.post(RouterPath(Self.root + "/reset")) { request, _ in
            await change(request) { form, frame in
                guard let reset else {
                    return pages.render(
                        "message", title: "Not available", frame: frame, error: "Resetting needs the test endpoints.", status: .notFound)
                }
                guard form["confirm"] == "yes" else {
                    return await home(request, frame, error: "Tick the box to confirm that every pool, user and message is to be deleted.")
                }
                do {
                    try await reset.run()
                } catch {
                    return await home(request, frame, error: "The server could not be reset: \(error)")
                }
                return Self.seeOther(Self.root + "?done=reset")
            }
        }
        router.get(RouterPath(Self.root + "/signin")) { request, _ -> Response in
            switch access.verdict(request) {
            case .refused(let reason): return refusal(reason, request)
            case .allowed: return Self.seeOther(Self.root)
            case .signInNeeded: return signInPage(request)
            }
        }
        router.post(RouterPath(Self.root + "/signin")) { request, context -> Response in
            guard access.accessKeys != nil else { return Self.seeOther(Self.root) }
            var request = request
            let form = await Self.form(&request)
            if let reason = access.formRefusal(request, form: form ?? [:]) { return signInPage(request, error: reason, status: .forbidden) }
            let address = context.remoteAddress?.ipAddress ?? "unknown"
            switch access.attemptSignIn(keyID: form?["accessKeyId"] ?? "", secret: form?["secretAccessKey"] ?? "", address: address) {
            case .signedIn(let cookie):
                var response = Self.seeOther(Self.root)
                response.headers[.setCookie] = cookie
                return response
            case .refused:
                return signInPage(request, error: "The access key ID or secret access key is not one this server accepts.", status: .unauthorized)
            case .throttled(let wait):
                var response = signInPage(
                    request, error: "Too many failed sign-ins. Try again in \(wait) seconds.", status: .tooManyRequests)
                response.headers[.retryAfter] = String(wait)
                return response
            }
        }
        router.post(RouterPath(Self.root + "/signout")) { request, _ -> Response in
            await change(request) { _, _ in
                var response = Self.seeOther(Self.root + "/signin")
                response.headers[.setCookie] = access.signOutCookie()
                return response
            }
        }
    }

    // MARK: Access

    /// A page, when the request may see it.
    func page(_ request: Request, _ body: (ConsolePages.Frame) async -> Response) async -> Response {
        switch access.verdict(request) {
        case .refused(let reason): return refusal(reason, request)
        case .signInNeeded: return Self.seeOther(Self.root + "/signin")
        case .allowed(let administrator): return await body(frame(request, administrator: administrator))
        }
    }

    /// A change posted from a console form: allowed, same-origin, with the form's CSRF token.
    func change(_ request: Request, _ body: ([String: String], ConsolePages.Frame) async -> Response) async -> Response {
        var request = request
        switch access.verdict(request) {
        case .refused(let reason): return refusal(reason, request)
        case .signInNeeded: return Self.seeOther(Self.root + "/signin")
        case .allowed(let administrator):
            let frame = frame(request, administrator: administrator)
            guard let form = await Self.form(&request) else {
                return pages.render("message", title: "Not a form", frame: frame, error: "The request's body is not a form.", status: .badRequest)
            }
            if let reason = access.formRefusal(request, form: form) {
                return pages.render("message", title: "Refused", frame: frame, error: reason, status: .forbidden)
            }
            return await body(form, frame)
        }
    }

    func frame(_ request: Request, administrator: String?) -> ConsolePages.Frame {
        let csrf = access.csrf(for: request)
        return ConsolePages.Frame(csrf: csrf.token, headers: csrf.headers, administrator: administrator, showOutbox: inspector.keepsOutbox)
    }

    func refusal(_ reason: String, _ request: Request) -> Response {
        pages.render("message", title: "Refused", frame: frame(request, administrator: nil), error: reason, status: .forbidden)
    }

    func signInPage(_ request: Request, error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        pages.render("signIn", title: "Sign in", frame: frame(request, administrator: nil), error: error, status: status)
    }

    // MARK: Pages

    func home(_ request: Request, _ frame: ConsolePages.Frame, error: String? = nil) async -> Response {
        let query = Self.query(request)
        var input: [String: JSONValue] = ["MaxResults": .number(60)]
        if let next = query["next"] { input["NextToken"] = .string(next) }
        var values: [String: Any] = ["navPools": true, "canReset": reset != nil]
        var failure = error
        do {
            let output = try await api.call("ListUserPools", input)
            let rows =
                output["UserPools"]?.array.map(\.object).map { pool -> [ConsolePages.Cell] in
                    let id = pool["Id"]?.string ?? ""
                    return [
                        .init(pool["Name"]?.string ?? id, href: Self.root + "/pools/" + ConsolePages.escape(id)), .init(id, code: true),
                        .init(ConsolePages.date(pool["CreationDate"])), .init(ConsolePages.date(pool["LastModifiedDate"])),
                    ]
                } ?? []
            values["pools"] = ConsolePages.table(
                caption: "User pools", columns: ["Name", "ID", "Created", "Modified"], rows: rows,
                empty: "No user pools yet: create one with CreateUserPool or a seed file.",
                next: output["NextToken"]?.string.map { Self.root + "?next=" + ConsolePages.escape($0) })
        } catch {
            failure = failure ?? error.description
        }
        if inspector.keepsOutbox { values["outboxCount"] = (try? await inspector.messages(limit: OutboxMessage.retained).count) ?? 0 }
        let notice = query["done"] == "reset" ? "The server was reset: every pool, user and message is gone." : nil
        return pages.render(
            "home", title: "User pools", frame: frame, values: values, notice: notice, error: failure,
            status: error == nil ? .ok : .badRequest)
    }

    func pool(_ poolID: String, request: Request, _ frame: ConsolePages.Frame) async -> Response {
        let query = Self.query(request)
        let described: [String: JSONValue]
        do {
            described = try await api.call("DescribeUserPool", ["UserPoolId": .string(poolID)])["UserPool"]?.object ?? [:]
        } catch {
            return notFound(error, frame)
        }
        let name = described["Name"]?.string ?? poolID
        var values: [String: Any] = ["navPools": true, "poolId": poolID]
        let shown = [
            "Id", "Name", "Arn", "CreationDate", "LastModifiedDate", "EstimatedNumberOfUsers", "MfaConfiguration", "UsernameAttributes",
            "AliasAttributes", "AutoVerifiedAttributes", "Domain", "CustomDomain", "DeletionProtection", "UserPoolTier",
        ]
        values["facts"] = ConsolePages.facts(ConsolePages.facts(of: described.filter { shown.contains($0.key) }, codes: ["Id", "Arn"]))
        let clients =
            (try? await api.call("ListUserPoolClients", ["UserPoolId": .string(poolID), "MaxResults": .number(60)]))?["UserPoolClients"]?.array ?? []
        values["clients"] = ConsolePages.table(
            caption: "App clients", columns: ["Name", "Client ID"],
            rows: clients.map(\.object).map { client in
                let id = client["ClientId"]?.string ?? ""
                return [
                    .init(client["ClientName"]?.string ?? id, href: Self.poolPath(poolID) + "/clients/" + ConsolePages.escape(id)),
                    .init(id, code: true),
                ]
            }, empty: "No app clients.")
        let groups = (try? await api.call("ListGroups", ["UserPoolId": .string(poolID), "Limit": .number(60)]))?["Groups"]?.array ?? []
        values["groups"] = ConsolePages.table(
            caption: "Groups", columns: ["Name", "Description", "Precedence", "Role"],
            rows: groups.map(\.object).map { group in
                [
                    .init(group["GroupName"]?.string ?? ""), .init(group["Description"]?.string ?? ""),
                    .init(group["Precedence"].map { ConsolePages.text($0) } ?? ""),
                    .init(group["RoleArn"]?.string ?? "", code: group["RoleArn"] != nil),
                ]
            }, empty: "No groups.")
        var input: [String: JSONValue] = ["UserPoolId": .string(poolID), "Limit": .number(60)]
        let filter = query["filter"]?.trimmingCharacters(in: .whitespaces) ?? ""
        if !filter.isEmpty { input["Filter"] = .string(filter) }
        if let next = query["page"] { input["PaginationToken"] = .string(next) }
        values["filter"] = filter
        var users: [[ConsolePages.Cell]] = []
        var next: String?
        do {
            let listed = try await api.call("ListUsers", input)
            users = (listed["Users"]?.array ?? []).map(\.object).map { user in
                let username = user["Username"]?.string ?? ""
                let attributes = Self.attributes(user["Attributes"])
                let enabled = user["Enabled"]?.bool ?? true
                return [
                    .init(username, href: Self.userPath(poolID, username)),
                    .init(attributes["email"] ?? attributes["phone_number"] ?? ""),
                    Self.statusCell(user["UserStatus"]?.string ?? ""),
                    .init(enabled ? "Enabled" : "Disabled", badge: enabled ? "good" : "bad"),
                    .init(ConsolePages.date(user["UserCreateDate"])),
                ]
            }
            next = listed["PaginationToken"]?.string.map { token in
                Self.poolPath(poolID) + "?" + (filter.isEmpty ? "" : "filter=" + ConsolePages.escape(filter) + "&") + "page="
                    + ConsolePages.escape(token)
            }
        } catch {
            values["filterError"] = error.description
        }
        values["users"] = ConsolePages.table(
            caption: filter.isEmpty ? "All users" : "Users matching \(filter)",
            columns: ["Username", "Email or phone", "Status", "Enabled", "Created"],
            rows: users, empty: filter.isEmpty ? "No users yet." : "No user matches the filter.", next: next)
        let notice = query["done"] == "deleted" ? "User \(query["username"] ?? "") deleted." : nil
        return pages.render(
            "pool", title: name, frame: frame, crumbs: [.init(text: "User pools", href: Self.root)], values: values,
            notice: notice, status: values["filterError"] == nil ? .ok : .badRequest)
    }

    func client(poolID: String, clientID: String, _ frame: ConsolePages.Frame) async -> Response {
        let poolName = (try? await api.call("DescribeUserPool", ["UserPoolId": .string(poolID)]))?["UserPool"]?.object["Name"]?.string ?? poolID
        let client: [String: JSONValue]
        do {
            client =
                try await api.call("DescribeUserPoolClient", ["UserPoolId": .string(poolID), "ClientId": .string(clientID)])["UserPoolClient"]?.object
                ?? [:]
        } catch {
            return notFound(error, frame)
        }
        let values: [String: Any] = [
            "navPools": true,
            "facts": ConsolePages.facts(ConsolePages.facts(of: client, secrets: ["ClientSecret"], codes: ["ClientId", "UserPoolId"])),
        ]
        return pages.render(
            "client", title: client["ClientName"]?.string ?? clientID, frame: frame,
            crumbs: [.init(text: "User pools", href: Self.root), .init(text: poolName, href: Self.poolPath(poolID))], values: values)
    }

    func user(
        poolID: String, username: String, _ frame: ConsolePages.Frame, notice: String? = nil, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async -> Response {
        let poolName = (try? await api.call("DescribeUserPool", ["UserPoolId": .string(poolID)]))?["UserPool"]?.object["Name"]?.string ?? poolID
        let got: [String: JSONValue]
        let target: [String: JSONValue] = ["UserPoolId": .string(poolID), "Username": .string(username)]
        do {
            got = try await api.call("AdminGetUser", target)
        } catch {
            return notFound(error, frame)
        }
        let name = got["Username"]?.string ?? username
        let enabled = got["Enabled"]?.bool ?? true
        var values: [String: Any] = ["navPools": true, "username": name, "enabled": enabled, "actionPath": Self.poolPath(poolID) + "/user"]
        let attributes = (got["UserAttributes"]?.array ?? []).map(\.object)
        values["facts"] = ConsolePages.facts([
            .init(name: "Username", value: name, code: true),
            .init(name: "sub", value: attributes.first { $0["Name"]?.string == "sub" }?["Value"]?.string ?? "", code: true),
            .init(name: "Status", value: got["UserStatus"]?.string ?? ""),
            .init(name: "Enabled", value: enabled ? "Yes" : "No"),
            .init(name: "Created", value: ConsolePages.date(got["UserCreateDate"])),
            .init(name: "Modified", value: ConsolePages.date(got["UserLastModifiedDate"])),
            .init(name: "Preferred MFA", value: got["PreferredMfaSetting"]?.string ?? "None"),
        ])
        values["attributes"] = ConsolePages.table(
            caption: "Attributes", columns: ["Name", "Value"],
            rows: attributes.map { [.init($0["Name"]?.string ?? "", code: true), .init($0["Value"]?.string ?? "")] }, empty: "No attributes.")
        let mfa = (got["UserMFASettingList"]?.array ?? []).compactMap(\.string)
        values["mfa"] = ConsolePages.table(
            caption: "MFA", columns: ["Method", "Preferred"],
            rows: mfa.map { [.init($0), .init($0 == got["PreferredMfaSetting"]?.string ? "Preferred" : "")] }, empty: "No MFA method set up.")
        let groups = (try? await api.call("AdminListGroupsForUser", target.merging(["Limit": .number(60)]) { a, _ in a }))?["Groups"]?.array ?? []
        values["groups"] = ConsolePages.table(
            caption: "Groups", columns: ["Name", "Precedence"],
            rows: groups.map(\.object).map { [.init($0["GroupName"]?.string ?? ""), .init($0["Precedence"].map { ConsolePages.text($0) } ?? "")] },
            empty: "In no group.")
        let devices = (try? await api.call("AdminListDevices", target.merging(["Limit": .number(60)]) { a, _ in a }))?["Devices"]?.array ?? []
        values["devices"] = ConsolePages.table(
            caption: "Devices", columns: ["Device key", "Name", "Remembered", "Last signed in", "Created"],
            rows: devices.map(\.object).map { device in
                let attributes = Self.attributes(device["DeviceAttributes"])
                return [
                    .init(device["DeviceKey"]?.string ?? "", code: true), .init(attributes["device_name"] ?? ""),
                    .init(attributes["dev:device_remembered_status"] ?? ""), .init(ConsolePages.date(device["DeviceLastAuthenticatedDate"])),
                    .init(ConsolePages.date(device["DeviceCreateDate"])),
                ]
            }, empty: "No devices.")
        let tokens = (try? await inspector.refreshTokens(poolID: poolID, username: name)) ?? []
        values["tokens"] = ConsolePages.table(
            caption: "Refresh tokens", columns: ["Client", "State", "Issued", "Expires", "Scopes"],
            rows: tokens.map { token in
                [
                    .init(token.clientID, href: Self.poolPath(poolID) + "/clients/" + ConsolePages.escape(token.clientID), code: true),
                    .init(token.state.rawValue, badge: token.state == .live ? "good" : token.state == .revoked ? "bad" : "plain"),
                    .init(ConsolePages.date(token.issuedAt)), .init(ConsolePages.date(token.expiresAt)),
                    .init(token.scopes?.joined(separator: " ") ?? "aws.cognito.signin.user.admin"),
                ]
            }, empty: "No refresh tokens: the user has not signed in.")
        let sessions = ((try? await api.call("AdminListUserSessions", target))?["Sessions"]?.array ?? []).map(\.object)
        values["sessions"] = ConsolePages.table(
            caption: "Sessions", columns: ["Session", "Type", "Client", "Device", "Address", "Last active", "Started", "Origin"],
            rows: sessions.map { session in
                [
                    .init(session["SessionId"]?.string ?? "", code: true), .init(session["SessionType"]?.string ?? ""),
                    .init(session["ClientId"]?.string ?? "", code: true), .init(session["DeviceType"]?.string ?? ""),
                    .init(session["LastIPAddress"]?.string ?? ""), .init(ConsolePages.date(session["LastActiveDate"])),
                    .init(ConsolePages.date(session["CreateDate"])), .init(session["OriginSessionId"]?.string ?? "", code: true),
                ]
            }, empty: "No sessions (session tracking is off for the pool, or the user has none).")
        values["hasSessions"] = !sessions.isEmpty
        values["sessionOptions"] = sessions.map { session -> [String: String] in
            let id = session["SessionId"]?.string ?? ""
            return ["id": id, "label": "\(id) (\(session["SessionType"]?.string ?? ""), \(session["DeviceType"]?.string ?? ""))"]
        }
        if inspector.keepsOutbox {
            let messages = (try? await inspector.messages(poolID: poolID, username: name)) ?? []
            values["messages"] = Self.messageTable(messages, caption: "Messages sent to \(name)", withUser: false)
        }
        return pages.render(
            "user", title: name, frame: frame,
            crumbs: [.init(text: "User pools", href: Self.root), .init(text: poolName, href: Self.poolPath(poolID))], values: values,
            notice: notice, error: error, status: status)
    }

    func outbox(_ request: Request, _ frame: ConsolePages.Frame) async -> Response {
        guard inspector.keepsOutbox else {
            return pages.render(
                "message", title: "No outbox", frame: frame, error: "Messages are kept only with the test endpoints.", status: .notFound)
        }
        let poolID = Self.query(request)["pool"]
        let messages = (try? await inspector.messages(poolID: poolID)) ?? []
        let values: [String: Any] = ["navOutbox": true, "messages": Self.messageTable(messages, caption: "The newest 200 messages", withUser: true)]
        return pages.render("outbox", title: poolID.map { "Outbox of \($0)" } ?? "Outbox", frame: frame, values: values)
    }

    static func messageTable(_ messages: [OutboxMessage], caption: String, withUser: Bool) -> [String: Any] {
        ConsolePages.table(
            caption: caption,
            columns: ["Sent"] + (withUser ? ["User"] : []) + ["Medium", "To", "Purpose", "Code", "Message"],
            rows: messages.map { message in
                [.init(ConsolePages.date(message.sentAt))]
                    + (withUser ? [.init(message.username, href: userPath(message.poolID, message.username))] : [])
                    + [
                        .init(message.medium.rawValue), .init(message.recipient), .init(message.purpose),
                        .init(message.code ?? "", code: message.code != nil),
                        .init((message.subject.map { $0 + ": " } ?? "") + message.body),
                    ]
            }, empty: "No messages.")
    }

    // MARK: Changes

    /// The notices shown after a change, by the key in the redirect (no text of the request is reflected).
    static let notices: [String: String] = [
        "disabled": "User disabled: they cannot sign in, and their tokens are revoked.",
        "enabled": "User enabled.",
        "password-set": "Password set.",
        "password-reset": "Password reset: the user must set a new one with the code sent to them.",
        "signed-out": "Signed out everywhere: every refresh token of the user is revoked.",
        "session-revoked": "Session revoked: its tokens no longer work.",
    ]

    /// The actions that are one operation on the user: the operation, and the notice shown after it.
    static let simpleActions: [String: (operation: String, notice: String)] = [
        "disable": ("AdminDisableUser", "disabled"), "enable": ("AdminEnableUser", "enabled"),
        "reset-password": ("AdminResetUserPassword", "password-reset"), "sign-out": ("AdminUserGlobalSignOut", "signed-out"),
    ]

    func userAction(poolID: String, form: [String: String], _ frame: ConsolePages.Frame) async -> Response {
        let username = form["username"] ?? ""
        let target: [String: JSONValue] = ["UserPoolId": .string(poolID), "Username": .string(username)]
        let action = form["action"] ?? ""
        let done: String
        do {
            switch action {
            case _ where Self.simpleActions[action] != nil:
                let (operation, notice) = Self.simpleActions[action]!
                _ = try await api.call(operation, target)
                done = notice
            case "set-password":
                var input = target
                input["Password"] = .string(form["password"] ?? "")
                input["Permanent"] = .bool(form["permanent"] == "true")
                _ = try await api.call("AdminSetUserPassword", input)
                done = "password-set"
            case "revoke-session":
                var input = target
                input["SessionId"] = .string(form["sessionId"] ?? "")
                input["RevokeAssociatedSessions"] = .string(form["linked"] == "true" ? "LINKED" : "NONE")
                _ = try await api.call("AdminRevokeUserSession", input)
                done = "session-revoked"
            case "delete":
                guard form["confirm"] == "yes" else {
                    return await user(poolID: poolID, username: username, frame, error: "Tick the box to confirm the deletion.", status: .badRequest)
                }
                _ = try await api.call("AdminDeleteUser", target)
                return Self.seeOther(Self.poolPath(poolID) + "?done=deleted&username=" + ConsolePages.escape(username))
            default:
                return await user(poolID: poolID, username: username, frame, error: "Unknown action.", status: .badRequest)
            }
        } catch {
            return await user(poolID: poolID, username: username, frame, error: error.description, status: .badRequest)
        }
        return Self.seeOther(Self.userPath(poolID, username) + "&done=" + done)
    }

    // MARK: Helpers

    func notFound(_ error: ConsoleAPI.Failure, _ frame: ConsolePages.Frame) -> Response {
        pages.render(
            "message", title: "Not found", frame: frame, crumbs: [.init(text: "User pools", href: Self.root)], error: error.description,
            status: error.code == "ResourceNotFoundException" || error.code == "UserNotFoundException" ? .notFound : .badRequest)
    }

    static func poolPath(_ poolID: String) -> String { root + "/pools/" + ConsolePages.escape(poolID) }

    static func userPath(_ poolID: String, _ username: String) -> String {
        poolPath(poolID) + "/user?username=" + ConsolePages.escape(username)
    }

    static func statusCell(_ status: String) -> ConsolePages.Cell {
        .init(status, badge: status == "CONFIRMED" ? "good" : status == "COMPROMISED" ? "bad" : "plain")
    }

    /// `[{Name, Value}]` as a dictionary.
    static func attributes(_ list: JSONValue?) -> [String: String] {
        var out: [String: String] = [:]
        for item in list?.array ?? [] {
            if let name = item.object["Name"]?.string { out[name] = item.object["Value"]?.string ?? "" }
        }
        return out
    }

    static func query(_ request: Request) -> [String: String] {
        let raw = request.uri.query ?? ""
        guard raw.utf8.count <= 16 * 1024 else { return [:] }
        return FormBody.parse(Array(raw.utf8)) ?? [:]
    }

    /// The request's form body (at most 64 KiB), or nil when it is not one.
    static func form(_ request: inout Request) async -> [String: String]? {
        guard let body = try? await request.collectBody(upTo: 64 * 1024) else { return nil }
        return FormBody.parse(Array(body.readableBytesView))
    }

    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
