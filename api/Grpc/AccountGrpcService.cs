using Coordination.Api.Accounts;
using Coordination.Api.Audit;
using Coordination.Api.Identity;
using Coordination.Silo.Common;
using Coordination.Silo.Directory;
using Coordination.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Actor = Coordination.Silo.Common.Actor;
using Task = System.Threading.Tasks.Task;

namespace Coordination.Api.Grpc;

/// <summary>
/// gRPC adapter of people's accounts: validate, authorise, call the account manager, map back.
/// SignIn is the platform's only method that needs no token. Coordinators administer accounts,
/// auditors read them, everyone reads and changes (name, language, password) their own.
/// </summary>
public sealed class AccountGrpcService(AccountManager accounts, SignInLimiter limiter, IGrainFactory grains, AuditLog auditLog, TimeProvider time)
    : AccountService.AccountServiceBase
{
    private const int MaxDisplayName = 200;

    /// <inheritdoc/>
    [AllowAnonymous]
    public override async Task<SignInResponse> SignIn(SignInRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        // People type their name as they like; usernames are lower-case.
        var username = request.Username.Trim().ToLowerInvariant();
        v.Required("username", username, 64);
        if (string.IsNullOrEmpty(request.Password))
        {
            v.Add("password", "Required / bắt buộc.");
        }
        v.MaxLength("password", request.Password, AccountRules.MaxPasswordLength);
        v.ThrowIfAny();
        var address = context.GetHttpContext().Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limiter.TryAcquire(username, address) is { } retryAfter)
        {
            throw LimitsInterceptor.Exhausted(retryAfter,
                $"Too many sign-in attempts; retry after {retryAfter.TotalSeconds:F0} s / đăng nhập quá nhiều lần, hãy thử lại sau.");
        }
        var signedIn = await accounts.SignInAsync(username, request.Password, address);
        return new SignInResponse
        {
            AccessToken = signedIn.AccessToken,
            ExpireTime = signedIn.ExpireTime.ToTimestamp(),
            Account = signedIn.Account.ToMessage(time.GetUtcNow()),
        };
    }

    /// <inheritdoc/>
    public override async Task<Empty> SignOut(SignOutRequest request, ServerCallContext context)
    {
        var caller = CallContexts.Caller(context);
        await Audited(context, caller, caller.Principal, async () =>
        {
            var session = SessionOf(context)
                ?? throw new FailedPreconditionException("NO_SESSION",
                    "This token was not issued by a sign-in: there is no session to end / mã này không thuộc phiên đăng nhập nào.");
            await accounts.SignOutAsync(caller, session);
        });
        return new Empty();
    }

    /// <inheritdoc/>
    public override async Task<Account> GetAccount(GetAccountRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var username = Username(v, "name", request.Name);
        v.ThrowIfAny();
        var caller = CallContexts.Caller(context);
        if (caller.Principal != request.Name)
        {
            Access.RequireRole(caller, Actor.CentreCoordinator, Actor.Auditor);
        }
        var account = await accounts.GetAsync(username!) ?? throw new NotFoundException(request.Name);
        return account.ToMessage(time.GetUtcNow());
    }

    /// <inheritdoc/>
    public override async Task<ListAccountsResponse> ListAccounts(ListAccountsRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        v.Enum("role", request.Role, required: false);
        v.MaxLength("scope", request.Scope, 200);
        var filter = $"{(int)request.Role}|{request.Scope}|{request.IncludeDisabled}";
        var (size, after) = v.Page(request.PageSize, request.PageToken, filter);
        v.ThrowIfAny();
        Access.RequireRole(CallContexts.Caller(context), Actor.CentreCoordinator, Actor.Auditor);
        var rows = await accounts.ListAsync(AccountMapping.RoleName(request.Role), request.Scope.Length == 0 ? null : request.Scope,
            request.IncludeDisabled, after, size + 1, context.CancellationToken);
        var now = time.GetUtcNow();
        var response = new ListAccountsResponse();
        response.Accounts.AddRange(rows.Take(size).Select(a => a.ToMessage(now)));
        if (rows.Count > size)
        {
            response.NextPageToken = new PageToken(rows[size - 1].Username, filter).Encode();
        }
        return response;
    }

    /// <inheritdoc/>
    public override async Task<CreateAccountResponse> CreateAccount(CreateAccountRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        v.RequestId("request_id", request.RequestId);
        var a = request.Account;
        string? username = null;
        if (a is null)
        {
            v.Add("account", "Required / bắt buộc.");
        }
        else
        {
            username = a.Username.Trim();
            if (!AccountRules.IsValidUsername(username))
            {
                v.Add("account.username", "3–64 characters: lower-case letters, digits, '.', '-' and '_', starting with a letter or digit / tên đăng nhập không hợp lệ.");
            }
            ValidateFields(v, a, AccountFields.Updatable);
        }
        v.ThrowIfAny();
        var caller = CallContexts.Caller(context);
        var created = await Audited(context, caller, "users/" + username, async () =>
        {
            Access.RequireCoordinator(caller);
            var role = AccountMapping.RoleName(a!.Role)!;
            await RequireScopeAsync(role, a.Scope, "account.scope", "account.role");
            var draft = new AccountRecord(username!, Text.Normalize(a.DisplayName), role, a.Scope, Enabled: true, Language(a.LanguageCode),
                PasswordChangeRequired: true, 0, null, null, default, default, 0);
            return await accounts.CreateAsync(caller, draft, request.RequestId);
        });
        return new CreateAccountResponse { Account = created.Account!.ToMessage(time.GetUtcNow()), OneTimePassword = created.OneTimePassword };
    }

    /// <inheritdoc/>
    public override async Task<Account> UpdateAccount(UpdateAccountRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        v.RequestId("request_id", request.RequestId);
        var fields = request.UpdateMask?.Paths.ToHashSet(StringComparer.Ordinal) ?? [];
        if (fields.Count == 0)
        {
            v.Add("update_mask", "Name at least one field to change / cần ít nhất một trường.");
        }
        foreach (var f in fields.Where(f => !AccountFields.Updatable.Contains(f)))
        {
            v.Add("update_mask", $"Field '{f}' cannot be updated; allowed: {string.Join(", ", AccountFields.Updatable)} / không thể cập nhật trường này.");
        }
        string? username = null;
        var a = request.Account;
        if (a is null)
        {
            v.Add("account", "Required / bắt buộc.");
        }
        else
        {
            username = Username(v, "account.name", a.Name);
            ValidateFields(v, a, fields);
        }
        v.ThrowIfAny();
        var caller = CallContexts.Caller(context);
        var updated = await Audited(context, caller, a!.Name, async () =>
        {
            var own = caller.Principal == a.Name;
            if (caller.Role != Actor.CentreCoordinator && !(own && fields.IsSubsetOf(AccountFields.OwnUpdatable)))
            {
                throw Access.Denied();
            }
            var current = await accounts.GetAsync(username!) ?? throw new NotFoundException(a.Name);
            if (fields.Contains(AccountFields.Role) || fields.Contains(AccountFields.Scope))
            {
                var role = fields.Contains(AccountFields.Role) ? AccountMapping.RoleName(a.Role)! : current.Role;
                var scope = fields.Contains(AccountFields.Scope) ? a.Scope : current.Scope;
                await RequireScopeAsync(role, scope, "account.scope", "account.role");
            }
            var patch = current with
            {
                DisplayName = Text.Normalize(a.DisplayName),
                Role = AccountMapping.RoleName(a.Role) ?? current.Role,
                Scope = a.Scope,
                Enabled = a.Enabled,
                LanguageCode = Language(a.LanguageCode),
            };
            return await accounts.UpdateAsync(caller, username!, patch, fields, a.Etag, request.RequestId);
        });
        return updated.ToMessage(time.GetUtcNow());
    }

    /// <inheritdoc/>
    public override async Task<ResetPasswordResponse> ResetPassword(ResetPasswordRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var username = Username(v, "name", request.Name);
        v.RequestId("request_id", request.RequestId);
        v.ThrowIfAny();
        var caller = CallContexts.Caller(context);
        var reset = await Audited(context, caller, request.Name, () =>
        {
            Access.RequireCoordinator(caller);
            return accounts.ResetPasswordAsync(caller, username!, request.RequestId);
        });
        return new ResetPasswordResponse { Account = reset.Account!.ToMessage(time.GetUtcNow()), OneTimePassword = reset.OneTimePassword };
    }

    /// <inheritdoc/>
    public override async Task<Empty> ChangePassword(ChangePasswordRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var username = Username(v, "name", request.Name);
        v.RequestId("request_id", request.RequestId);
        if (string.IsNullOrEmpty(request.CurrentPassword))
        {
            v.Add("current_password", "Required / bắt buộc.");
        }
        v.MaxLength("current_password", request.CurrentPassword, AccountRules.MaxPasswordLength);
        if (AccountRules.PasswordProblem(request.NewPassword, username ?? "", request.CurrentPassword) is { } problem)
        {
            v.Add("new_password", problem);
        }
        v.ThrowIfAny();
        var caller = CallContexts.Caller(context);
        await Audited(context, caller, request.Name, async () =>
        {
            if (caller.Principal != request.Name)
            {
                throw Access.Denied();
            }
            await accounts.ChangePasswordAsync(caller, username!, SessionOf(context), request.CurrentPassword, request.NewPassword, request.RequestId);
        });
        return new Empty();
    }

    /// <summary>
    /// Runs an account change; a refusal (permission, state, stale etag, missing account) is audited
    /// here. Successful changes and sign-in failures are audited by the manager, in their transaction;
    /// invalid input is not audited.
    /// </summary>
    private async Task<T> Audited<T>(ServerCallContext context, Actor caller, string resource, Func<Task<T>> change)
    {
        try
        {
            return await change();
        }
        catch (CoordinationException e) when (e is not InvalidArgumentException and not SignInRefusedException)
        {
            var outcome = e switch
            {
                PermissionDeniedException => "PERMISSION_DENIED",
                NotFoundException => "NOT_FOUND",
                StaleEtagException => "ABORTED",
                AlreadyExistsException => "ALREADY_EXISTS",
                _ => "FAILED_PRECONDITION",
            };
            await auditLog.AppendAsync(new AuditRecord(time.GetUtcNow(), caller.Principal, caller.Role, caller.Scope,
                context.Method.TrimStart('/'), resource, outcome, e.Reason));
            throw;
        }
    }

    private async Task Audited(ServerCallContext context, Actor caller, string resource, Func<Task> change) =>
        await Audited(context, caller, resource, async () =>
        {
            await change();
            return true;
        });

    /// <summary>Checks that <paramref name="scope"/> fits <paramref name="role"/> and exists in the directory.</summary>
    private async Task RequireScopeAsync(string role, string scope, string scopeField, string roleField)
    {
        var (collection, id, problem) = AccountRules.CheckScope(role, scope);
        if (problem is not null)
        {
            throw new InvalidArgumentException([new FieldViolation(scopeField, problem), new FieldViolation(roleField, "Role and scope do not fit / vai trò và phạm vi không khớp.")]);
        }
        var exists = collection switch
        {
            "wards" => await grains.GetGrain<IWardGrain>(id!).Get() is not null,
            "agencies" => await grains.GetGrain<IAgencyGrain>(id!).Get() is not null,
            _ => true,
        };
        if (!exists)
        {
            throw new InvalidArgumentException(scopeField, $"There is no {scope} in the directory / không có {scope} trong danh bạ.");
        }
    }

    /// <summary>Validates the fields of <paramref name="a"/> that <paramref name="fields"/> names.</summary>
    private static void ValidateFields(RequestValidation v, Account a, IReadOnlySet<string> fields)
    {
        if (fields.Contains(AccountFields.DisplayName))
        {
            v.Required("account.display_name", a.DisplayName, MaxDisplayName);
        }
        if (fields.Contains(AccountFields.Role) && AccountMapping.RoleName(a.Role) is null)
        {
            v.Add("account.role", "Required: one of the STAFF_ROLE_* values / bắt buộc chọn vai trò.");
        }
        if (fields.Contains(AccountFields.Scope))
        {
            v.Required("account.scope", a.Scope, 200);
        }
        if (fields.Contains(AccountFields.LanguageCode) && a.LanguageCode.Length > 0 && !AccountRules.Languages.Contains(a.LanguageCode))
        {
            v.Add("account.language_code", "One of: vi, en / chỉ 'vi' hoặc 'en'.");
        }
    }

    private static string Language(string code) => code.Length == 0 ? "vi" : code;

    /// <summary>Parses <c>users/{username}</c>.</summary>
    private static string? Username(RequestValidation v, string field, string name)
    {
        const string prefix = "users/";
        if (string.IsNullOrEmpty(name))
        {
            v.Add(field, "Required: a name like users/{username} / bắt buộc.");
            return null;
        }
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || !AccountRules.IsValidUsername(name[prefix.Length..]))
        {
            v.Add(field, "Must be users/{username} / sai định dạng.");
            return null;
        }
        return name[prefix.Length..];
    }

    /// <summary>The session of the call's token (claim sid), or null for tokens not issued by a sign-in.</summary>
    private static Guid? SessionOf(ServerCallContext context) =>
        Guid.TryParse(context.GetHttpContext().User.FindFirst(AccountManager.SessionClaim)?.Value, out var id) ? id : null;
}
