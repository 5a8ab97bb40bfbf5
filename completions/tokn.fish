# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tokn_global_optspecs
    string join \n v/verbose q/quiet config= p/profile= u/token-url= issuer= i/client-id= client-secret= client-secret-file= client-secret-cmd= s/scope= d/data= H/header= grant-type= audience= resource= refresh-token-file= username= password-file= password-cmd= assertion-file= jwt-issuer= jwt-subject= jwt-claim= service-account= subject-token-file= subject-token-type= actor-token-file= actor-token-type= requested-token-type= device-url= authorize-url= redirect-uri= no-browser login-timeout= auth= signing-key= signing-key-id= jwt-alg= jwt-audience= cert= key= f/format= header-name= header-pattern= timeout= retry= cacert= k/insecure allow-http no-cache refresh min-ttl= h/help V/version
end

function __fish_tokn_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tokn_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tokn_using_subcommand
    set -l cmd (__fish_tokn_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tokn -n "__fish_tokn_needs_command" -l config -d 'The config file [default: ~/.config/tokn/config.toml]' -r -F
complete -c tokn -n "__fish_tokn_needs_command" -s p -l profile -d 'The profile of the config file to use [default: the profile named default]' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -s u -l token-url -d 'The token endpoint' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l issuer -d 'The issuer: read the token endpoint from its metadata (OpenID or RFC 8414)' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -s i -l client-id -d 'The client ID' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l client-secret -d 'The client secret (others can see it in ps: prefer the env, a file or the prompt)' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l client-secret-file -d 'Read the client secret from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_needs_command" -l client-secret-cmd -d 'Run a command and use its output as the client secret' -r -f -a "(__fish_complete_command)"
complete -c tokn -n "__fish_tokn_needs_command" -s s -l scope -d 'A scope to ask for; repeatable' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -s d -l data -d 'An extra form field, such as audience=… or resource=…; repeatable' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -s H -l header -d 'An extra header on the token request; repeatable' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l grant-type -d 'The grant type [default: client_credentials]' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l audience -d 'An audience to ask the token for (RFC 8693); repeatable, any grant' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l resource -d 'A resource to ask the token for (RFC 8707); repeatable, any grant' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l refresh-token-file -d 'refresh_token: read the refresh token from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_needs_command" -l username -d 'password: the resource owner\'s user name' -r -f -a "(__fish_complete_users)"
complete -c tokn -n "__fish_tokn_needs_command" -l password-file -d 'password: read the password from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_needs_command" -l password-cmd -d 'password: run a command and use its output as the password' -r -f -a "(__fish_complete_command)"
complete -c tokn -n "__fish_tokn_needs_command" -l assertion-file -d 'jwt-bearer: read the assertion from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_needs_command" -l jwt-issuer -d 'jwt-bearer: the iss claim of an assertion tokn signs [default: the client ID]' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l jwt-subject -d 'jwt-bearer: the sub claim of an assertion tokn signs [default: its iss]' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l jwt-claim -d 'jwt-bearer: one more claim of an assertion tokn signs; repeatable' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l service-account -d 'jwt-bearer: a Google service-account key file (JSON)' -r -F
complete -c tokn -n "__fish_tokn_needs_command" -l subject-token-file -d 'token-exchange: read the subject token from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_needs_command" -l subject-token-type -d 'token-exchange: the subject token\'s type [default: jwt]' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l actor-token-file -d 'token-exchange: read the actor token from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_needs_command" -l actor-token-type -d 'token-exchange: the actor token\'s type [default: jwt]' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l requested-token-type -d 'token-exchange: the type of token to ask for, such as access_token or jwt' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l device-url -d 'device: the device authorization endpoint (RFC 8628)' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l authorize-url -d 'authorization_code: the authorization endpoint, opened in a browser' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l redirect-uri -d 'authorization_code: the redirect URI, http://127.0.0.1:PORT/PATH' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l login-timeout -d 'authorization_code: seconds to wait for the sign-in [default: 300]' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l auth -d 'How the client authenticates [default: auto]' -r -f -a "auto\t'private_key_jwt with --signing-key; tls with only --cert; else basic, then post'
basic\t'An HTTP Basic header with the form-urlencoded ID and secret (RFC 6749 2.3.1)'
post\t'client_id and client_secret in the form body'
none\t'client_id alone in the form body, for a public client: no secret'
private_key_jwt\t'A JWT signed with --signing-key (RFC 7523 2.2)'
client_secret_jwt\t'A JWT signed with the client secret (HS256)'
tls\t'The --cert client certificate (RFC 8705); client_id in the body, no secret'"
complete -c tokn -n "__fish_tokn_needs_command" -l signing-key -d 'The PEM private key that signs the client assertion (private_key_jwt)' -r -F
complete -c tokn -n "__fish_tokn_needs_command" -l signing-key-id -d 'The kid header of the client assertion, the key\'s ID at the server' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l jwt-alg -d 'The algorithm of the client assertion [default: from the key]' -r -f -a "RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
EdDSA\t''
HS256\t''
HS384\t''
HS512\t''"
complete -c tokn -n "__fish_tokn_needs_command" -l jwt-audience -d 'The aud claim of the client assertion [default: the token URL]' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l cert -d 'A client certificate chain (PEM) for mutual TLS' -r -F
complete -c tokn -n "__fish_tokn_needs_command" -l key -d 'The private key (PEM) of the --cert certificate' -r -F
complete -c tokn -n "__fish_tokn_needs_command" -s f -l format -d 'What to print on standard output [default: raw]' -r -f -a "raw\t'The access token and a newline'
json\t'Every field of the answer as one JSON object, with expires_at'
header\t'\'Authorization: Bearer TOKEN\', for curl -H @- or curl -H "$(tokn -f header)"'
curl\t'"-H \'Authorization: Bearer TOKEN\'", shell-quoted, to paste into a curl command (for $(…), use header)'
env\t'export lines (TOKN_ACCESS_TOKEN, TOKN_TOKEN_TYPE, TOKN_EXPIRES_AT), for eval'
k8s\t'A kubectl ExecCredential, for the exec section of a kubeconfig'"
complete -c tokn -n "__fish_tokn_needs_command" -l header-name -d 'The header name of the header and curl formats [default: Authorization]' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l header-pattern -d 'The header value of the header and curl formats [default: \'Bearer {access_token}\']' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l timeout -d 'Seconds the whole run may take [default: 30]' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l retry -d 'Retries on HTTP 429, 502, 503, 504 or a reset connection [default: 2]' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -l cacert -d 'CA certificates (PEM) to trust instead of the system\'s' -r -F
complete -c tokn -n "__fish_tokn_needs_command" -l min-ttl -d 'Seconds a cached token must still be valid to be reused [default: 60]' -r -f
complete -c tokn -n "__fish_tokn_needs_command" -s v -l verbose -d 'Print the request and the response to stderr, secrets redacted'
complete -c tokn -n "__fish_tokn_needs_command" -s q -l quiet -d 'No warnings on stderr (errors still print)'
complete -c tokn -n "__fish_tokn_needs_command" -l no-browser -d 'authorization_code: print the sign-in URL without opening a browser'
complete -c tokn -n "__fish_tokn_needs_command" -s k -l insecure -d 'Skip TLS certificate verification (prints a warning every time)'
complete -c tokn -n "__fish_tokn_needs_command" -l allow-http -d 'Allow a plain http:// token URL to a host that is not loopback'
complete -c tokn -n "__fish_tokn_needs_command" -l no-cache -d 'Neither read nor write the token cache for this call'
complete -c tokn -n "__fish_tokn_needs_command" -l refresh -d 'Fetch a new token even if a cached one is valid, and cache it'
complete -c tokn -n "__fish_tokn_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokn -n "__fish_tokn_needs_command" -s V -l version -d 'Print version'
complete -c tokn -n "__fish_tokn_needs_command" -f -a "cache" -d 'Inspect or empty the token cache'
complete -c tokn -n "__fish_tokn_needs_command" -f -a "config" -d 'Show the config file, its profiles, and the settings a fetch would use'
complete -c tokn -n "__fish_tokn_needs_command" -f -a "exec" -d 'Run a command with a token in its environment (TOKN_ACCESS_TOKEN)'
complete -c tokn -n "__fish_tokn_needs_command" -f -a "inspect" -d 'Decode a JWT and print its header and claims as JSON; --verify checks them'
complete -c tokn -n "__fish_tokn_using_subcommand cache; and not __fish_seen_subcommand_from list clear" -l config -d 'The config file [default: ~/.config/tokn/config.toml]' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand cache; and not __fish_seen_subcommand_from list clear" -s p -l profile -d 'The profile of the config file to use [default: the profile named default]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand cache; and not __fish_seen_subcommand_from list clear" -s v -l verbose -d 'Print the request and the response to stderr, secrets redacted'
complete -c tokn -n "__fish_tokn_using_subcommand cache; and not __fish_seen_subcommand_from list clear" -s q -l quiet -d 'No warnings on stderr (errors still print)'
complete -c tokn -n "__fish_tokn_using_subcommand cache; and not __fish_seen_subcommand_from list clear" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokn -n "__fish_tokn_using_subcommand cache; and not __fish_seen_subcommand_from list clear" -f -a "list" -d 'Print one line per cached token: token URL, client ID, scopes, lifetime, refresh'
complete -c tokn -n "__fish_tokn_using_subcommand cache; and not __fish_seen_subcommand_from list clear" -f -a "clear" -d 'Remove every cached token'
complete -c tokn -n "__fish_tokn_using_subcommand cache; and __fish_seen_subcommand_from list" -l config -d 'The config file [default: ~/.config/tokn/config.toml]' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand cache; and __fish_seen_subcommand_from list" -s p -l profile -d 'The profile of the config file to use [default: the profile named default]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand cache; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print the request and the response to stderr, secrets redacted'
complete -c tokn -n "__fish_tokn_using_subcommand cache; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No warnings on stderr (errors still print)'
complete -c tokn -n "__fish_tokn_using_subcommand cache; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokn -n "__fish_tokn_using_subcommand cache; and __fish_seen_subcommand_from clear" -l config -d 'The config file [default: ~/.config/tokn/config.toml]' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand cache; and __fish_seen_subcommand_from clear" -s p -l profile -d 'The profile of the config file to use [default: the profile named default]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand cache; and __fish_seen_subcommand_from clear" -s v -l verbose -d 'Print the request and the response to stderr, secrets redacted'
complete -c tokn -n "__fish_tokn_using_subcommand cache; and __fish_seen_subcommand_from clear" -s q -l quiet -d 'No warnings on stderr (errors still print)'
complete -c tokn -n "__fish_tokn_using_subcommand cache; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokn -n "__fish_tokn_using_subcommand config; and not __fish_seen_subcommand_from path list show" -l config -d 'The config file [default: ~/.config/tokn/config.toml]' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand config; and not __fish_seen_subcommand_from path list show" -s p -l profile -d 'The profile of the config file to use [default: the profile named default]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and not __fish_seen_subcommand_from path list show" -s v -l verbose -d 'Print the request and the response to stderr, secrets redacted'
complete -c tokn -n "__fish_tokn_using_subcommand config; and not __fish_seen_subcommand_from path list show" -s q -l quiet -d 'No warnings on stderr (errors still print)'
complete -c tokn -n "__fish_tokn_using_subcommand config; and not __fish_seen_subcommand_from path list show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokn -n "__fish_tokn_using_subcommand config; and not __fish_seen_subcommand_from path list show" -f -a "path" -d 'Print the config file\'s path'
complete -c tokn -n "__fish_tokn_using_subcommand config; and not __fish_seen_subcommand_from path list show" -f -a "list" -d 'Print the profile names, one a line, sorted'
complete -c tokn -n "__fish_tokn_using_subcommand config; and not __fish_seen_subcommand_from path list show" -f -a "show" -d 'Print the settings a fetch would use, each with where it came from'
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'The config file [default: ~/.config/tokn/config.toml]' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from path" -s p -l profile -d 'The profile of the config file to use [default: the profile named default]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Print the request and the response to stderr, secrets redacted'
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'No warnings on stderr (errors still print)'
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from list" -l config -d 'The config file [default: ~/.config/tokn/config.toml]' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from list" -s p -l profile -d 'The profile of the config file to use [default: the profile named default]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print the request and the response to stderr, secrets redacted'
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No warnings on stderr (errors still print)'
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'The config file [default: ~/.config/tokn/config.toml]' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -s p -l profile -d 'The profile of the config file to use [default: the profile named default]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -s u -l token-url -d 'The token endpoint' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l issuer -d 'The issuer: read the token endpoint from its metadata (OpenID or RFC 8414)' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -s i -l client-id -d 'The client ID' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l client-secret -d 'The client secret (others can see it in ps: prefer the env, a file or the prompt)' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l client-secret-file -d 'Read the client secret from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l client-secret-cmd -d 'Run a command and use its output as the client secret' -r -f -a "(__fish_complete_command)"
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -s s -l scope -d 'A scope to ask for; repeatable' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -s d -l data -d 'An extra form field, such as audience=… or resource=…; repeatable' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -s H -l header -d 'An extra header on the token request; repeatable' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l grant-type -d 'The grant type [default: client_credentials]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l audience -d 'An audience to ask the token for (RFC 8693); repeatable, any grant' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l resource -d 'A resource to ask the token for (RFC 8707); repeatable, any grant' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l refresh-token-file -d 'refresh_token: read the refresh token from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l username -d 'password: the resource owner\'s user name' -r -f -a "(__fish_complete_users)"
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l password-file -d 'password: read the password from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l password-cmd -d 'password: run a command and use its output as the password' -r -f -a "(__fish_complete_command)"
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l assertion-file -d 'jwt-bearer: read the assertion from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l jwt-issuer -d 'jwt-bearer: the iss claim of an assertion tokn signs [default: the client ID]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l jwt-subject -d 'jwt-bearer: the sub claim of an assertion tokn signs [default: its iss]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l jwt-claim -d 'jwt-bearer: one more claim of an assertion tokn signs; repeatable' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l service-account -d 'jwt-bearer: a Google service-account key file (JSON)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l subject-token-file -d 'token-exchange: read the subject token from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l subject-token-type -d 'token-exchange: the subject token\'s type [default: jwt]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l actor-token-file -d 'token-exchange: read the actor token from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l actor-token-type -d 'token-exchange: the actor token\'s type [default: jwt]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l requested-token-type -d 'token-exchange: the type of token to ask for, such as access_token or jwt' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l device-url -d 'device: the device authorization endpoint (RFC 8628)' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l authorize-url -d 'authorization_code: the authorization endpoint, opened in a browser' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l redirect-uri -d 'authorization_code: the redirect URI, http://127.0.0.1:PORT/PATH' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l login-timeout -d 'authorization_code: seconds to wait for the sign-in [default: 300]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l auth -d 'How the client authenticates [default: auto]' -r -f -a "auto\t'private_key_jwt with --signing-key; tls with only --cert; else basic, then post'
basic\t'An HTTP Basic header with the form-urlencoded ID and secret (RFC 6749 2.3.1)'
post\t'client_id and client_secret in the form body'
none\t'client_id alone in the form body, for a public client: no secret'
private_key_jwt\t'A JWT signed with --signing-key (RFC 7523 2.2)'
client_secret_jwt\t'A JWT signed with the client secret (HS256)'
tls\t'The --cert client certificate (RFC 8705); client_id in the body, no secret'"
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l signing-key -d 'The PEM private key that signs the client assertion (private_key_jwt)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l signing-key-id -d 'The kid header of the client assertion, the key\'s ID at the server' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l jwt-alg -d 'The algorithm of the client assertion [default: from the key]' -r -f -a "RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
EdDSA\t''
HS256\t''
HS384\t''
HS512\t''"
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l jwt-audience -d 'The aud claim of the client assertion [default: the token URL]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l cert -d 'A client certificate chain (PEM) for mutual TLS' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l key -d 'The private key (PEM) of the --cert certificate' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -s f -l format -d 'What to print on standard output [default: raw]' -r -f -a "raw\t'The access token and a newline'
json\t'Every field of the answer as one JSON object, with expires_at'
header\t'\'Authorization: Bearer TOKEN\', for curl -H @- or curl -H "$(tokn -f header)"'
curl\t'"-H \'Authorization: Bearer TOKEN\'", shell-quoted, to paste into a curl command (for $(…), use header)'
env\t'export lines (TOKN_ACCESS_TOKEN, TOKN_TOKEN_TYPE, TOKN_EXPIRES_AT), for eval'
k8s\t'A kubectl ExecCredential, for the exec section of a kubeconfig'"
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l header-name -d 'The header name of the header and curl formats [default: Authorization]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l header-pattern -d 'The header value of the header and curl formats [default: \'Bearer {access_token}\']' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l timeout -d 'Seconds the whole run may take [default: 30]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l retry -d 'Retries on HTTP 429, 502, 503, 504 or a reset connection [default: 2]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l cacert -d 'CA certificates (PEM) to trust instead of the system\'s' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l min-ttl -d 'Seconds a cached token must still be valid to be reused [default: 60]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print the request and the response to stderr, secrets redacted'
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'No warnings on stderr (errors still print)'
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l no-browser -d 'authorization_code: print the sign-in URL without opening a browser'
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -s k -l insecure -d 'Skip TLS certificate verification (prints a warning every time)'
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l allow-http -d 'Allow a plain http:// token URL to a host that is not loopback'
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l no-cache -d 'Neither read nor write the token cache for this call'
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -l refresh -d 'Fetch a new token even if a cached one is valid, and cache it'
complete -c tokn -n "__fish_tokn_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l config -d 'The config file [default: ~/.config/tokn/config.toml]' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand exec" -s p -l profile -d 'The profile of the config file to use [default: the profile named default]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l env-var -d 'The environment variable that carries the token to the command' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -s u -l token-url -d 'The token endpoint' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l issuer -d 'The issuer: read the token endpoint from its metadata (OpenID or RFC 8414)' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -s i -l client-id -d 'The client ID' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l client-secret -d 'The client secret (others can see it in ps: prefer the env, a file or the prompt)' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l client-secret-file -d 'Read the client secret from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l client-secret-cmd -d 'Run a command and use its output as the client secret' -r -f -a "(__fish_complete_command)"
complete -c tokn -n "__fish_tokn_using_subcommand exec" -s s -l scope -d 'A scope to ask for; repeatable' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -s d -l data -d 'An extra form field, such as audience=… or resource=…; repeatable' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -s H -l header -d 'An extra header on the token request; repeatable' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l grant-type -d 'The grant type [default: client_credentials]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l audience -d 'An audience to ask the token for (RFC 8693); repeatable, any grant' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l resource -d 'A resource to ask the token for (RFC 8707); repeatable, any grant' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l refresh-token-file -d 'refresh_token: read the refresh token from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l username -d 'password: the resource owner\'s user name' -r -f -a "(__fish_complete_users)"
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l password-file -d 'password: read the password from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l password-cmd -d 'password: run a command and use its output as the password' -r -f -a "(__fish_complete_command)"
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l assertion-file -d 'jwt-bearer: read the assertion from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l jwt-issuer -d 'jwt-bearer: the iss claim of an assertion tokn signs [default: the client ID]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l jwt-subject -d 'jwt-bearer: the sub claim of an assertion tokn signs [default: its iss]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l jwt-claim -d 'jwt-bearer: one more claim of an assertion tokn signs; repeatable' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l service-account -d 'jwt-bearer: a Google service-account key file (JSON)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l subject-token-file -d 'token-exchange: read the subject token from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l subject-token-type -d 'token-exchange: the subject token\'s type [default: jwt]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l actor-token-file -d 'token-exchange: read the actor token from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l actor-token-type -d 'token-exchange: the actor token\'s type [default: jwt]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l requested-token-type -d 'token-exchange: the type of token to ask for, such as access_token or jwt' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l device-url -d 'device: the device authorization endpoint (RFC 8628)' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l authorize-url -d 'authorization_code: the authorization endpoint, opened in a browser' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l redirect-uri -d 'authorization_code: the redirect URI, http://127.0.0.1:PORT/PATH' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l login-timeout -d 'authorization_code: seconds to wait for the sign-in [default: 300]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l auth -d 'How the client authenticates [default: auto]' -r -f -a "auto\t'private_key_jwt with --signing-key; tls with only --cert; else basic, then post'
basic\t'An HTTP Basic header with the form-urlencoded ID and secret (RFC 6749 2.3.1)'
post\t'client_id and client_secret in the form body'
none\t'client_id alone in the form body, for a public client: no secret'
private_key_jwt\t'A JWT signed with --signing-key (RFC 7523 2.2)'
client_secret_jwt\t'A JWT signed with the client secret (HS256)'
tls\t'The --cert client certificate (RFC 8705); client_id in the body, no secret'"
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l signing-key -d 'The PEM private key that signs the client assertion (private_key_jwt)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l signing-key-id -d 'The kid header of the client assertion, the key\'s ID at the server' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l jwt-alg -d 'The algorithm of the client assertion [default: from the key]' -r -f -a "RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
EdDSA\t''
HS256\t''
HS384\t''
HS512\t''"
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l jwt-audience -d 'The aud claim of the client assertion [default: the token URL]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l cert -d 'A client certificate chain (PEM) for mutual TLS' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l key -d 'The private key (PEM) of the --cert certificate' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand exec" -s f -l format -d 'What to print on standard output [default: raw]' -r -f -a "raw\t'The access token and a newline'
json\t'Every field of the answer as one JSON object, with expires_at'
header\t'\'Authorization: Bearer TOKEN\', for curl -H @- or curl -H "$(tokn -f header)"'
curl\t'"-H \'Authorization: Bearer TOKEN\'", shell-quoted, to paste into a curl command (for $(…), use header)'
env\t'export lines (TOKN_ACCESS_TOKEN, TOKN_TOKEN_TYPE, TOKN_EXPIRES_AT), for eval'
k8s\t'A kubectl ExecCredential, for the exec section of a kubeconfig'"
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l header-name -d 'The header name of the header and curl formats [default: Authorization]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l header-pattern -d 'The header value of the header and curl formats [default: \'Bearer {access_token}\']' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l timeout -d 'Seconds the whole run may take [default: 30]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l retry -d 'Retries on HTTP 429, 502, 503, 504 or a reset connection [default: 2]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l cacert -d 'CA certificates (PEM) to trust instead of the system\'s' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l min-ttl -d 'Seconds a cached token must still be valid to be reused [default: 60]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand exec" -s v -l verbose -d 'Print the request and the response to stderr, secrets redacted'
complete -c tokn -n "__fish_tokn_using_subcommand exec" -s q -l quiet -d 'No warnings on stderr (errors still print)'
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l no-browser -d 'authorization_code: print the sign-in URL without opening a browser'
complete -c tokn -n "__fish_tokn_using_subcommand exec" -s k -l insecure -d 'Skip TLS certificate verification (prints a warning every time)'
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l allow-http -d 'Allow a plain http:// token URL to a host that is not loopback'
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l no-cache -d 'Neither read nor write the token cache for this call'
complete -c tokn -n "__fish_tokn_using_subcommand exec" -l refresh -d 'Fetch a new token even if a cached one is valid, and cache it'
complete -c tokn -n "__fish_tokn_using_subcommand exec" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l config -d 'The config file [default: ~/.config/tokn/config.toml]' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -s p -l profile -d 'The profile of the config file to use [default: the profile named default]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -s u -l token-url -d 'The token endpoint' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l issuer -d 'The issuer: read the token endpoint from its metadata (OpenID or RFC 8414)' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -s i -l client-id -d 'The client ID' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l client-secret -d 'The client secret (others can see it in ps: prefer the env, a file or the prompt)' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l client-secret-file -d 'Read the client secret from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l client-secret-cmd -d 'Run a command and use its output as the client secret' -r -f -a "(__fish_complete_command)"
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -s s -l scope -d 'A scope to ask for; repeatable' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -s d -l data -d 'An extra form field, such as audience=… or resource=…; repeatable' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -s H -l header -d 'An extra header on the token request; repeatable' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l grant-type -d 'The grant type [default: client_credentials]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l audience -d 'An audience to ask the token for (RFC 8693); repeatable, any grant' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l resource -d 'A resource to ask the token for (RFC 8707); repeatable, any grant' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l refresh-token-file -d 'refresh_token: read the refresh token from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l username -d 'password: the resource owner\'s user name' -r -f -a "(__fish_complete_users)"
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l password-file -d 'password: read the password from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l password-cmd -d 'password: run a command and use its output as the password' -r -f -a "(__fish_complete_command)"
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l assertion-file -d 'jwt-bearer: read the assertion from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l jwt-issuer -d 'jwt-bearer: the iss claim of an assertion tokn signs [default: the client ID]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l jwt-subject -d 'jwt-bearer: the sub claim of an assertion tokn signs [default: its iss]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l jwt-claim -d 'jwt-bearer: one more claim of an assertion tokn signs; repeatable' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l service-account -d 'jwt-bearer: a Google service-account key file (JSON)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l subject-token-file -d 'token-exchange: read the subject token from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l subject-token-type -d 'token-exchange: the subject token\'s type [default: jwt]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l actor-token-file -d 'token-exchange: read the actor token from a file (\'-\' for standard input)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l actor-token-type -d 'token-exchange: the actor token\'s type [default: jwt]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l requested-token-type -d 'token-exchange: the type of token to ask for, such as access_token or jwt' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l device-url -d 'device: the device authorization endpoint (RFC 8628)' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l authorize-url -d 'authorization_code: the authorization endpoint, opened in a browser' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l redirect-uri -d 'authorization_code: the redirect URI, http://127.0.0.1:PORT/PATH' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l login-timeout -d 'authorization_code: seconds to wait for the sign-in [default: 300]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l auth -d 'How the client authenticates [default: auto]' -r -f -a "auto\t'private_key_jwt with --signing-key; tls with only --cert; else basic, then post'
basic\t'An HTTP Basic header with the form-urlencoded ID and secret (RFC 6749 2.3.1)'
post\t'client_id and client_secret in the form body'
none\t'client_id alone in the form body, for a public client: no secret'
private_key_jwt\t'A JWT signed with --signing-key (RFC 7523 2.2)'
client_secret_jwt\t'A JWT signed with the client secret (HS256)'
tls\t'The --cert client certificate (RFC 8705); client_id in the body, no secret'"
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l signing-key -d 'The PEM private key that signs the client assertion (private_key_jwt)' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l signing-key-id -d 'The kid header of the client assertion, the key\'s ID at the server' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l jwt-alg -d 'The algorithm of the client assertion [default: from the key]' -r -f -a "RS256\t''
RS384\t''
RS512\t''
PS256\t''
PS384\t''
PS512\t''
ES256\t''
ES384\t''
EdDSA\t''
HS256\t''
HS384\t''
HS512\t''"
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l jwt-audience -d 'The aud claim of the client assertion [default: the token URL]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l cert -d 'A client certificate chain (PEM) for mutual TLS' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l key -d 'The private key (PEM) of the --cert certificate' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -s f -l format -d 'What to print on standard output [default: raw]' -r -f -a "raw\t'The access token and a newline'
json\t'Every field of the answer as one JSON object, with expires_at'
header\t'\'Authorization: Bearer TOKEN\', for curl -H @- or curl -H "$(tokn -f header)"'
curl\t'"-H \'Authorization: Bearer TOKEN\'", shell-quoted, to paste into a curl command (for $(…), use header)'
env\t'export lines (TOKN_ACCESS_TOKEN, TOKN_TOKEN_TYPE, TOKN_EXPIRES_AT), for eval'
k8s\t'A kubectl ExecCredential, for the exec section of a kubeconfig'"
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l header-name -d 'The header name of the header and curl formats [default: Authorization]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l header-pattern -d 'The header value of the header and curl formats [default: \'Bearer {access_token}\']' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l timeout -d 'Seconds the whole run may take [default: 30]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l retry -d 'Retries on HTTP 429, 502, 503, 504 or a reset connection [default: 2]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l cacert -d 'CA certificates (PEM) to trust instead of the system\'s' -r -F
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l min-ttl -d 'Seconds a cached token must still be valid to be reused [default: 60]' -r -f
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -s v -l verbose -d 'Print the request and the response to stderr, secrets redacted'
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -s q -l quiet -d 'No warnings on stderr (errors still print)'
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l verify -d 'Check the signature with the issuer\'s keys (--issuer), and iss, exp and nbf'
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l no-browser -d 'authorization_code: print the sign-in URL without opening a browser'
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -s k -l insecure -d 'Skip TLS certificate verification (prints a warning every time)'
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l allow-http -d 'Allow a plain http:// token URL to a host that is not loopback'
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l no-cache -d 'Neither read nor write the token cache for this call'
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -l refresh -d 'Fetch a new token even if a cached one is valid, and cache it'
complete -c tokn -n "__fish_tokn_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
