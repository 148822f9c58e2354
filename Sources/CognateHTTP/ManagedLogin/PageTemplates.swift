/// The managed login pages' Mustache templates. `{{name}}` is always HTML-escaped. Two values are not: a
/// client's CSS (SetUICustomization), which holds no `<` (refused when set), so it cannot leave its style
/// element, and a managed login style's custom properties, made only of checked colours and pixel sizes. The
/// page's policy runs no script anyway. Class names ending in `-customizable` are the
/// classic hosted UI's, so CSS written for Cognito applies.
enum PageTemplates {
    static let layout = #"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        {{#branding.faviconPath}}<link rel="icon" type="{{branding.faviconType}}" href="{{branding.faviconPath}}">{{/branding.faviconPath}}
        <style>
          :root { color-scheme: light; --accent: #2f6fde; --accent-text: #fff; --accent-hover: #255bb8; --text: #1d2330; --body: #1d2330;
                  --muted: #5c6474; --label: #1d2330; --bg: #eef1f6; --form-bg: #fff; --form-border: transparent; --link: #2f6fde;
                  --input-bg: #fff; --input-border: #c6ccd8; --focus: rgba(47, 111, 222, .45); --error: #b3261e; --error-bg: #fdecea;
                  --radius-form: 12px; --radius-button: 8px; --radius-input: 8px; }
          * { box-sizing: border-box; }
          body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
                 font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--body); background-color: var(--bg);
                 background-size: cover; background-position: center; }
          main { width: min(400px, calc(100vw - 32px)); background: var(--form-bg); border: 1px solid var(--form-border);
                 border-radius: var(--radius-form); padding: 32px; box-shadow: 0 1px 2px rgba(16, 24, 40, .06), 0 8px 24px rgba(16, 24, 40, .08); }
          .brand { font-weight: 600; color: var(--muted); font-size: 14px; letter-spacing: .02em; margin: 0 0 4px; }
          h1 { font-size: 22px; margin: 0 0 20px; color: var(--text); }
          label { display: block; font-weight: 600; font-size: 14px; margin: 16px 0 6px; color: var(--label); }
          input[type=text], input[type=password], input[type=email] { width: 100%; padding: 10px 12px; font: inherit; color: inherit; background: var(--input-bg);
                 border: 1px solid var(--input-border); border-radius: var(--radius-input); }
          input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
          button { width: 100%; margin-top: 24px; padding: 11px; font: inherit; font-weight: 600; color: var(--accent-text); background: var(--accent);
                 border: 0; border-radius: var(--radius-button); cursor: pointer; }
          button:hover { background: var(--accent-hover); }
          .alert { margin: 0 0 8px; padding: 10px 12px; border-radius: 8px; background: var(--error-bg); color: var(--error); font-size: 14px; }
          .note { color: var(--muted); font-size: 14px; }
          fieldset { border: 0; padding: 0; margin: 16px 0 0; }
          legend { font-weight: 600; font-size: 14px; margin-bottom: 6px; }
          label.choice { font-weight: 400; margin: 8px 0; }
          .info { margin: 0 0 8px; padding: 10px 12px; border-radius: 8px; background: #e8f1fd; color: #1d4f9a; font-size: 14px; }
          .client { margin: 0 0 12px; padding: 10px 12px; border: 1px solid var(--input-border); border-radius: 8px; font-size: 14px; overflow-wrap: anywhere; }
          a { color: var(--link); }
          button.secondary { background: var(--form-bg); color: var(--accent); border: 1px solid var(--input-border); margin-top: 12px; }
          figure.qr { margin: 16px auto 8px; width: 232px; padding: 0; border: 1px solid #e1e5ec; border-radius: 8px; overflow: hidden; }
          figure.qr img { display: block; }
          code.secret { font: 15px/1.6 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; color: var(--text); word-spacing: .15em;
                 user-select: all; overflow-wrap: anywhere; }
          img.logo-customizable { display: block; max-width: 100%; margin: 0 auto 16px; }
          a.idpButton-customizable { display: block; margin: 0 0 12px; padding: 10px; text-align: center; font-weight: 600; text-decoration: none;
                 color: var(--accent); background: var(--form-bg); border: 1px solid var(--input-border); border-radius: var(--radius-button); }
          a.idpButton-customizable:hover { border-color: var(--accent); }
          form + nav { margin-top: 16px; padding-top: 16px; border-top: 1px solid var(--input-border); }
          p.divider { display: flex; align-items: center; gap: 12px; color: var(--muted); font-size: 14px; margin: 16px 0 0; }
          p.divider::before, p.divider::after { content: ""; flex: 1; border-top: 1px solid var(--input-border); }
        </style>
        {{#branding.themeCSS}}<style id="managed-login-style">{{{branding.themeCSS}}}</style>{{/branding.themeCSS}}
        {{#branding.backgroundPath}}<style>body { background-image: url("{{branding.backgroundPath}}"); }</style>{{/branding.backgroundPath}}
        {{#branding.css}}<style>{{{branding.css}}}</style>{{/branding.css}}
        </head>
        <body class="background-customizable">
        <main class="banner-customizable">
        {{#branding.logoPath}}<img class="logo-customizable" src="{{branding.logoPath}}" alt="" height="48">{{/branding.logoPath}}
        <p class="brand">{{poolName}}</p>
        <h1>{{title}}</h1>
        {{$body}}{{/body}}
        </main>
        </body>
        </html>
        """#

    static let login = #"""
        {{<layout}}
        {{$body}}
        {{#metadataClient}}<p class="client" id="metadataClient">Signing in to {{#clientName}}<strong>{{clientName}}</strong>, an application at {{/clientName}}<strong>{{host}}</strong></p>{{/metadataClient}}
        {{#error}}<p class="alert" role="alert" id="loginErrorMessage">{{error}}</p>{{/error}}
        {{#info}}<p class="info" role="status">{{info}}</p>{{/info}}
        {{#hasProviders}}
        {{#federateAction}}
        <form method="post" action="{{federateAction}}" novalidate>
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label class="label-customizable" for="idpEmail">Corporate email</label>
          <input type="email" class="inputField-customizable" id="idpEmail" name="email" autocomplete="email" autocapitalize="none">
          <button type="submit" class="secondary" name="federateSubmitButton">Continue with my organization</button>
        </form>
        {{/federateAction}}
        <nav aria-label="Sign in with another provider">
        {{#providers}}<a class="idpButton-customizable" href="{{link}}">Continue with {{name}}</a>{{/providers}}
        </nav>
        {{#showForm}}<p class="divider">or</p>{{/showForm}}
        {{/hasProviders}}
        {{#showForm}}
        <form method="post" action="{{action}}" novalidate>
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <label class="label-customizable" for="signInFormUsername">Username</label>
          <input type="text" class="inputField-customizable" id="signInFormUsername" name="username" value="{{username}}" autocomplete="username" autocapitalize="none" required autofocus>
          {{^usernameOnly}}
          <label class="label-customizable" for="signInFormPassword">Password</label>
          <input type="password" class="inputField-customizable" id="signInFormPassword" name="password" autocomplete="current-password" required>
          {{/usernameOnly}}
          <button type="submit" class="submitButton-customizable" name="signInSubmitButton" value="{{button}}">{{button}}</button>
        </form>
        <p class="note"><a class="redirect-customizable" href="{{forgotLink}}">Forgot your password?</a></p>
        {{#signUpLink}}<p class="note">Need an account? <a href="{{signUpLink}}">Sign up</a></p>{{/signUpLink}}
        {{/showForm}}
        {{/body}}
        {{/layout}}
        """#

    static let challenge = #"""
        {{<layout}}
        {{$body}}
        {{#error}}<p class="alert" role="alert">{{error}}</p>{{/error}}
        <p class="note">{{intro}}</p>
        {{#qrImage}}<figure class="qr"><img id="totpQrCode" src="{{qrImage}}" width="232" height="232" alt="QR code for your authenticator app: it holds the key shown below."></figure>{{/qrImage}}
        {{#secretGroups}}<p class="note">Key: <code id="totpSecret" class="secret" aria-label="Key for your authenticator app">{{secretGroups}}</code></p>{{/secretGroups}}
        <form method="post" action="{{action}}" novalidate>
          <input type="hidden" name="_csrf" value="{{csrf}}">
          {{#secret}}<input type="hidden" name="secret" value="{{secret}}">{{/secret}}
          <input type="hidden" name="challenge" value="{{challenge}}">
          <input type="hidden" name="session" value="{{session}}">
          <input type="hidden" name="username" value="{{username}}">
          {{#hasChoices}}
          <fieldset>
            <legend>{{label}}</legend>
            {{#choices}}<label class="choice"><input type="radio" name="answer" value="{{value}}" required> {{text}}</label>{{/choices}}
          </fieldset>
          {{/hasChoices}}
          {{^hasChoices}}
          {{#requiredNames}}<input type="hidden" name="requiredAttributes" value="{{requiredNames}}">{{/requiredNames}}
          {{#attributes}}
          <label for="attribute-{{id}}">{{label}}</label>
          <input type="{{type}}" id="attribute-{{id}}" name="userAttributes.{{name}}" autocomplete="{{autocomplete}}" required{{#first}} autofocus{{/first}}>
          {{/attributes}}
          <label for="answer">{{label}}</label>
          <input type="{{inputType}}" id="answer" name="answer" autocomplete="{{autocomplete}}" {{#numeric}}inputmode="numeric" maxlength="6"{{/numeric}} required{{^requiredNames}} autofocus{{/requiredNames}}>
          {{/hasChoices}}
          <button type="submit" class="submitButton-customizable" name="signInSubmitButton" value="Continue">{{button}}</button>
        </form>
        {{/body}}
        {{/layout}}
        """#

    /// A passkey ceremony. The options travel in an attribute (HTML-escaped, so the parser gives them back
    /// as they were); the script turns their base64url into bytes, runs the browser's WebAuthn call, and
    /// posts the credential as JSON.
    static let passkey = #"""
        {{<layout}}
        {{$body}}
        {{#error}}<p class="alert" role="alert">{{error}}</p>{{/error}}
        <p class="note">{{intro}}</p>
        <form method="post" action="{{action}}" id="passkeyForm" data-ceremony="{{ceremony}}" data-options="{{options}}">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          {{#step}}<input type="hidden" name="challenge" value="{{challenge}}"><input type="hidden" name="session" value="{{session}}"><input type="hidden" name="username" value="{{username}}">{{/step}}
          <input type="hidden" name="answer" id="passkeyAnswer">
          <p class="alert" role="alert" id="passkeyError" hidden></p>
          <button type="button" class="submitButton-customizable" id="passkeyButton" name="signInSubmitButton" value="passkey">{{button}}</button>
        </form>
        <script nonce="{{nonce}}">
        (() => {
          const form = document.getElementById("passkeyForm");
          const bytes = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(s.length / 4) * 4, "=")), (c) => c.charCodeAt(0));
          const text = (b) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
          const plain = (c) => ({
            id: c.id, rawId: text(c.rawId), type: c.type, authenticatorAttachment: c.authenticatorAttachment,
            clientExtensionResults: c.getClientExtensionResults(),
            response: c.response.attestationObject
              ? { clientDataJSON: text(c.response.clientDataJSON), attestationObject: text(c.response.attestationObject),
                  transports: c.response.getTransports ? c.response.getTransports() : [] }
              : { clientDataJSON: text(c.response.clientDataJSON), authenticatorData: text(c.response.authenticatorData),
                  signature: text(c.response.signature), userHandle: c.response.userHandle ? text(c.response.userHandle) : null },
          });
          document.getElementById("passkeyButton").addEventListener("click", async () => {
            const options = JSON.parse(form.dataset.options);
            options.challenge = bytes(options.challenge);
            if (options.user) options.user.id = bytes(options.user.id);
            for (const list of [options.allowCredentials, options.excludeCredentials]) for (const c of list || []) c.id = bytes(c.id);
            try {
              const credential = form.dataset.ceremony === "create"
                ? await navigator.credentials.create({ publicKey: options })
                : await navigator.credentials.get({ publicKey: options });
              form.elements.answer.value = JSON.stringify(credential.toJSON ? credential.toJSON() : plain(credential));
              form.submit();
            } catch (e) {
              const shown = document.getElementById("passkeyError");
              shown.textContent = "The passkey could not be used" + (e && e.message ? ": " + e.message : ".");
              shown.hidden = false;
            }
          });
        })();
        </script>
        {{/body}}
        {{/layout}}
        """#

    /// Sign-up, confirmation and password reset: a list of fields, hidden values, and links.
    static let form = #"""
        {{<layout}}
        {{$body}}
        {{#error}}<p class="alert" role="alert">{{error}}</p>{{/error}}
        {{#info}}<p class="info" role="status">{{info}}</p>{{/info}}
        <form method="post" action="{{action}}" novalidate>
          <input type="hidden" name="_csrf" value="{{csrf}}">
          {{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hidden}}
          {{#fields}}
          <label for="{{name}}">{{label}}</label>
          <input type="{{type}}" id="{{name}}" name="{{name}}" value="{{value}}" autocomplete="{{autocomplete}}" required>
          {{/fields}}
          <button type="submit" class="submitButton-customizable" name="signInSubmitButton" value="{{button}}">{{button}}</button>
        </form>
        {{#links}}<p class="note"><a href="{{href}}">{{text}}</a></p>{{/links}}
        {{#extra}}<form method="post" action="{{extraAction}}"><input type="hidden" name="_csrf" value="{{csrf}}">{{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hidden}}<button type="submit" class="secondary" name="resend" value="resend">{{extra}}</button></form>{{/extra}}
        {{/body}}
        {{/layout}}
        """#

    static let message = #"""
        {{<layout}}
        {{$body}}
        <p class="alert" role="alert">{{message}}</p>
        {{#detail}}<p class="note" id="errorDetail">{{detail}}</p>{{/detail}}
        {{/body}}
        {{/layout}}
        """#

    /// `GET /`: what a browser finds at Cognate's address, and where to go from there.
    static let home = #"""
        {{<layout}}
        {{$body}}
        <p>This server answers the Amazon Cognito user pools API (cognito-idp) and the web side of its pools. Point an
        AWS SDK, the AWS CLI or Amplify at <code>{{base}}</code> as the cognito-idp endpoint.</p>
        <ul class="note">
        {{#console}}<li><a href="{{console}}">The console</a>: pools, app clients and users.</li>{{/console}}
        <li>Each pool's OpenID Connect discovery: <code>{{base}}/POOL_ID/.well-known/openid-configuration</code>, its keys at
        <code>/POOL_ID/.well-known/jwks.json</code>.</li>
        <li>The managed login: <code>/oauth2/authorize</code>, <code>/login</code>, <code>/oauth2/token</code>, <code>/logout</code>.</li>
        {{#testEndpoints}}<li>For tests: <code>/_cognate/outbox</code> (every message sent, codes included), <code>/_cognate/clock</code>,
        <code>/_cognate/reset</code>.</li>{{/testEndpoints}}
        <li>Health: <a href="/_cognate/health"><code>/_cognate/health</code></a>, readiness: <a href="/_cognate/ready"><code>/_cognate/ready</code></a>.</li>
        </ul>
        <p class="note">The README and <code>docs/</code> (configuration, sign-in, the web side, federation, triggers, self-hosting, coverage) come with the source and with the package.</p>
        {{/body}}
        {{/layout}}
        """#
}
