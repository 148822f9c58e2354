/// The admin console's Mustache templates. Every value is HTML-escaped (`{{name}}`; no triple braces
/// anywhere), and the pages run no script: confirmations are checkboxes the server checks.
///
/// Names inside the shared `facts` and `table` partials (`factName`, `cellText`, …) are unique, so that a
/// missing one never resolves to a value of an enclosing context.
enum ConsoleTemplates {
    static let layout = #"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Cognate console</title>
        <style>
          :root { color-scheme: light; --text: #1b2230; --muted: #5a6376; --line: #dde2ea; --bg: #f4f6f9; --card: #fff; --accent: #2f6fde;
                  --accent-hover: #255bb8; --danger: #b3261e; --danger-bg: #fdecea; --ok: #17663a; --ok-bg: #e6f4ea; --focus: rgba(47, 111, 222, .45); }
          * { box-sizing: border-box; }
          body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); background: var(--bg); }
          .skip { position: absolute; left: -999px; top: 8px; background: var(--card); padding: 8px 12px; border-radius: 6px; z-index: 1; }
          .skip:focus { left: 8px; }
          header.bar { display: flex; align-items: center; gap: 24px; padding: 0 24px; height: 56px; background: #172033; color: #fff; }
          header.bar a { color: #dbe4f5; text-decoration: none; }
          header.bar a.home { color: #fff; font-weight: 700; letter-spacing: .01em; }
          header.bar nav { display: flex; gap: 16px; flex: 1; }
          header.bar nav a[aria-current=page] { color: #fff; border-bottom: 2px solid #7fa8f0; padding-bottom: 2px; }
          header.bar form { margin: 0; }
          header.bar button.link { background: none; border: 0; color: #dbe4f5; font: inherit; cursor: pointer; padding: 0; }
          main { max-width: 1120px; margin: 0 auto; padding: 20px 24px 48px; }
          nav.crumbs ol { list-style: none; display: flex; flex-wrap: wrap; gap: 6px; padding: 0; margin: 0 0 8px; font-size: 14px; color: var(--muted); }
          nav.crumbs li + li::before { content: "›"; margin-right: 6px; }
          nav.crumbs a { color: var(--muted); }
          h1 { font-size: 24px; margin: 0 0 16px; overflow-wrap: anywhere; }
          h2 { font-size: 17px; margin: 0 0 12px; }
          a { color: var(--accent); }
          a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
          section.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin: 0 0 18px; }
          .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 18px; }
          .grid > section.card { margin: 0; }
          .stack { margin-bottom: 18px; }
          dl.facts { display: grid; grid-template-columns: minmax(140px, max-content) 1fr; gap: 6px 18px; margin: 0; }
          dl.facts dt { color: var(--muted); }
          dl.facts dd { margin: 0; overflow-wrap: anywhere; }
          table { width: 100%; border-collapse: collapse; font-size: 14px; }
          caption { text-align: left; font-weight: 600; font-size: 17px; padding: 0 0 10px; }
          th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
          th { color: var(--muted); font-weight: 600; background: #f8f9fb; white-space: nowrap; }
          tbody tr:hover { background: #f8faff; }
          td.none { color: var(--muted); font-style: italic; }
          code { font: 13px/1.5 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: #f1f3f7; padding: 1px 5px; border-radius: 4px; }
          .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12.5px; font-weight: 600; background: #eef1f6; color: #394255; }
          .badge.good { background: var(--ok-bg); color: var(--ok); }
          .badge.bad { background: var(--danger-bg); color: var(--danger); }
          .alert { padding: 10px 14px; border-radius: 8px; background: var(--danger-bg); color: var(--danger); margin: 0 0 16px; overflow-wrap: anywhere; }
          .notice { padding: 10px 14px; border-radius: 8px; background: var(--ok-bg); color: var(--ok); margin: 0 0 16px; overflow-wrap: anywhere; }
          .note { color: var(--muted); font-size: 14px; margin: 8px 0 0; }
          form.inline { display: inline; margin: 0; }
          .actions { display: flex; flex-wrap: wrap; gap: 10px; margin-bottom: 16px; }
          label { display: block; font-weight: 600; font-size: 14px; margin: 0 0 6px; }
          label.check { display: flex; gap: 8px; align-items: flex-start; font-weight: 400; margin: 10px 0; }
          input[type=text], input[type=password], input[type=search] { width: 100%; padding: 8px 10px; font: inherit; border: 1px solid #c6ccd8;
                 border-radius: 7px; background: #fff; color: inherit; }
          button { font: inherit; font-weight: 600; padding: 8px 14px; border-radius: 7px; border: 1px solid var(--accent); background: var(--accent);
                 color: #fff; cursor: pointer; }
          button:hover { background: var(--accent-hover); }
          button.secondary { background: #fff; color: var(--accent); border-color: #c6ccd8; }
          button.secondary:hover { background: #f1f5fd; }
          button.danger { background: var(--danger); border-color: var(--danger); }
          button.danger:hover { background: #8f1e18; }
          .search { display: flex; gap: 10px; align-items: flex-end; margin-bottom: 12px; }
          .search div { flex: 1; }
          .pager { margin: 12px 0 0; }
          details summary { cursor: pointer; color: var(--accent); }
        </style>
        </head>
        <body>
        <a class="skip" href="#content">Skip to content</a>
        <header class="bar">
          <a class="home" href="/_cognate/console">Cognate console</a>
          <nav aria-label="Console">
            <a href="/_cognate/console"{{#navPools}} aria-current="page"{{/navPools}}>User pools</a>
            {{#showOutbox}}<a href="/_cognate/console/outbox"{{#navOutbox}} aria-current="page"{{/navOutbox}}>Outbox</a>{{/showOutbox}}
          </nav>
          {{#administrator}}<form method="post" action="/_cognate/console/signout"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="link">Sign out ({{administrator}})</button></form>{{/administrator}}
        </header>
        <main id="content">
        {{#hasCrumbs}}<nav class="crumbs" aria-label="Breadcrumb"><ol>{{#crumbs}}<li><a href="{{crumbHref}}">{{crumbText}}</a></li>{{/crumbs}}</ol></nav>{{/hasCrumbs}}
        <h1>{{title}}</h1>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{#error}}<p class="alert" role="alert">{{error}}</p>{{/error}}
        {{$body}}{{/body}}
        </main>
        </body>
        </html>
        """#

    /// A list of facts: `facts` of `factName`, `factValue`, and `factSecret` for a value shown on demand.
    static let facts = #"""
        <dl class="facts">
        {{#facts}}<dt>{{factName}}</dt><dd>{{#factSecret}}<details><summary>Show</summary><code>{{factValue}}</code></details>{{/factSecret}}{{^factSecret}}{{#factCode}}<code>{{factValue}}</code>{{/factCode}}{{^factCode}}{{factValue}}{{/factCode}}{{/factSecret}}</dd>
        {{/facts}}
        </dl>
        """#

    /// A table: `caption`, `columns` of `columnName`, `rows` of `cells` of `cellText` with `cellHref`,
    /// `cellCode` or `cellBadge` (`good`, `bad`, `plain`); `emptyText` when there are no rows.
    static let table = #"""
        <table>
        <caption>{{caption}}</caption>
        <thead><tr>{{#columns}}<th scope="col">{{columnName}}</th>{{/columns}}</tr></thead>
        <tbody>
        {{#rows}}<tr>{{#cells}}<td>{{#cellHref}}<a href="{{cellHref}}">{{cellText}}</a>{{/cellHref}}{{^cellHref}}{{#cellCode}}<code>{{cellText}}</code>{{/cellCode}}{{^cellCode}}{{#cellBadge}}<span class="badge {{cellBadge}}">{{cellText}}</span>{{/cellBadge}}{{^cellBadge}}{{cellText}}{{/cellBadge}}{{/cellCode}}{{/cellHref}}</td>{{/cells}}</tr>
        {{/rows}}
        {{^rows}}<tr><td class="none" colspan="{{columnCount}}">{{emptyText}}</td></tr>{{/rows}}
        </tbody>
        </table>
        {{#nextHref}}<p class="pager"><a href="{{nextHref}}" rel="next">Next page</a></p>{{/nextHref}}
        """#

    static let home = #"""
        {{<layout}}
        {{$body}}
        <section class="card">{{#pools}}{{>table}}{{/pools}}</section>
        {{#showOutbox}}<section class="card"><h2>Outbox</h2><p>Messages kept: {{outboxCount}}. <a href="/_cognate/console/outbox">Read the outbox</a> for the codes and temporary passwords Cognate sent.</p></section>{{/showOutbox}}
        {{#canReset}}
        <section class="card" aria-labelledby="reset-heading">
          <h2 id="reset-heading">Reset the server</h2>
          <form method="post" action="/_cognate/console/reset">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label class="check"><input type="checkbox" name="confirm" value="yes" required> Delete every pool, user, key and message on this server</label>
            <button type="submit" class="danger">Reset the server</button>
          </form>
        </section>
        {{/canReset}}
        {{/body}}
        {{/layout}}
        """#

    static let pool = #"""
        {{<layout}}
        {{$body}}
        <div class="grid stack">
          <section class="card" aria-labelledby="pool-heading"><h2 id="pool-heading">Pool</h2>{{>facts}}</section>
          <section class="card">{{#clients}}{{>table}}{{/clients}}</section>
        </div>
        <section class="card">{{#groups}}{{>table}}{{/groups}}</section>
        <section class="card" aria-labelledby="users-heading">
          <h2 id="users-heading">Users</h2>
          <form class="search" method="get" action="/_cognate/console/pools/{{poolId}}" role="search">
            <div><label for="filter">ListUsers filter</label>
            <input type="search" id="filter" name="filter" value="{{filter}}" placeholder='email ^= "ali"' autocomplete="off" aria-describedby="filter-help"></div>
            <button type="submit">Search</button>
          </form>
          <p class="note" id="filter-help">As ListUsers takes it: <code>attribute = "value"</code> or <code>attribute ^= "prefix"</code>, on username, email, phone_number, name, given_name, family_name, preferred_username, cognito:user_status, status or sub.</p>
          {{#filterError}}<p class="alert" role="alert">{{filterError}}</p>{{/filterError}}
          {{#users}}{{>table}}{{/users}}
        </section>
        {{/body}}
        {{/layout}}
        """#

    static let client = #"""
        {{<layout}}
        {{$body}}
        <section class="card" aria-labelledby="client-heading"><h2 id="client-heading">App client</h2>{{>facts}}</section>
        {{/body}}
        {{/layout}}
        """#

    static let user = #"""
        {{<layout}}
        {{$body}}
        <div class="grid stack">
          <section class="card" aria-labelledby="user-heading"><h2 id="user-heading">User</h2>{{>facts}}</section>
          <section class="card">{{#attributes}}{{>table}}{{/attributes}}</section>
        </div>
        <section class="card" aria-labelledby="actions-heading">
          <h2 id="actions-heading">Actions</h2>
          <div class="actions">
            <form class="inline" method="post" action="{{actionPath}}">
              <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="username" value="{{username}}">
              {{#enabled}}<button type="submit" class="secondary" name="action" value="disable">Disable user</button>{{/enabled}}
              {{^enabled}}<button type="submit" class="secondary" name="action" value="enable">Enable user</button>{{/enabled}}
            </form>
            <form class="inline" method="post" action="{{actionPath}}">
              <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="username" value="{{username}}">
              <button type="submit" class="secondary" name="action" value="reset-password">Reset password (sends a code)</button>
            </form>
            <form class="inline" method="post" action="{{actionPath}}">
              <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="username" value="{{username}}">
              <button type="submit" class="secondary" name="action" value="sign-out">Sign out everywhere</button>
            </form>
          </div>
          <div class="grid">
            <form method="post" action="{{actionPath}}" aria-labelledby="password-heading">
              <h2 id="password-heading">Set a password</h2>
              <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="username" value="{{username}}">
              <label for="newPassword">New password</label>
              <input type="password" id="newPassword" name="password" autocomplete="new-password" required>
              <label class="check"><input type="checkbox" name="permanent" value="true" checked> Permanent: no new-password step at the next sign-in</label>
              <button type="submit" name="action" value="set-password">Set password</button>
            </form>
            <form method="post" action="{{actionPath}}" aria-labelledby="delete-heading">
              <h2 id="delete-heading">Delete the user</h2>
              <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="username" value="{{username}}">
              <label class="check"><input type="checkbox" name="confirm" value="yes" required> Delete {{username}}, their devices, tokens and group memberships</label>
              <button type="submit" class="danger" name="action" value="delete">Delete user</button>
            </form>
          </div>
        </section>
        <div class="grid stack">
          <section class="card">{{#groups}}{{>table}}{{/groups}}</section>
          <section class="card">{{#mfa}}{{>table}}{{/mfa}}</section>
        </div>
        <section class="card">{{#devices}}{{>table}}{{/devices}}</section>
        <section class="card">{{#tokens}}{{>table}}{{/tokens}}</section>
        <section class="card">
          {{#sessions}}{{>table}}{{/sessions}}
          {{#hasSessions}}
          <form method="post" action="{{actionPath}}" aria-labelledby="revoke-session-heading">
            <h2 id="revoke-session-heading">Revoke a session</h2>
            <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="username" value="{{username}}">
            <label for="sessionId">Session</label>
            <select id="sessionId" name="sessionId" required>{{#sessionOptions}}<option value="{{id}}">{{label}}</option>{{/sessionOptions}}</select>
            <label class="check"><input type="checkbox" name="linked" value="true"> With its linked sessions (an SSO session's token sessions, a token session's SSO session)</label>
            <button type="submit" class="secondary" name="action" value="revoke-session">Revoke session</button>
          </form>
          {{/hasSessions}}
        </section>
        {{#showOutbox}}<section class="card">{{#messages}}{{>table}}{{/messages}}</section>{{/showOutbox}}
        {{/body}}
        {{/layout}}
        """#

    static let outbox = #"""
        {{<layout}}
        {{$body}}
        <section class="card">{{#messages}}{{>table}}{{/messages}}</section>
        {{/body}}
        {{/layout}}
        """#

    static let signIn = #"""
        {{<layout}}
        {{$body}}
        <section class="card" style="max-width: 420px">
          <p class="note">Sign in with an access key Cognate accepts SigV4 signatures from (--credentials, or COGNATE_ACCESS_KEY_ID and COGNATE_SECRET_ACCESS_KEY).</p>
          <form method="post" action="/_cognate/console/signin">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="accessKeyId">Access key ID</label>
            <input type="text" id="accessKeyId" name="accessKeyId" autocomplete="username" autocapitalize="none" required autofocus>
            <p></p>
            <label for="secretAccessKey">Secret access key</label>
            <input type="password" id="secretAccessKey" name="secretAccessKey" autocomplete="current-password" required>
            <p></p>
            <button type="submit">Sign in</button>
          </form>
        </section>
        {{/body}}
        {{/layout}}
        """#

    static let message = #"""
        {{<layout}}
        {{$body}}
        {{#detail}}<section class="card"><p>{{detail}}</p></section>{{/detail}}
        {{/body}}
        {{/layout}}
        """#
}
