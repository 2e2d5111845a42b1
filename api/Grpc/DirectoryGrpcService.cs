using Coordination.Api.Identity;
using Coordination.Silo.Directory;
using Coordination.Silo.ReadModel;
using Coordination.V1;
using Grpc.Core;
using AgencyKind = Coordination.V1.AgencyKind;

namespace Coordination.Api.Grpc;

/// <summary>gRPC adapter of the directory: validate, call one grain or read-model query, map back.</summary>
public sealed class DirectoryGrpcService(IGrainFactory grains, ReadModelStore readModel) : DirectoryService.DirectoryServiceBase
{
    /// <inheritdoc/>
    public override async Task<Ward> GetWard(GetWardRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var id = v.ResourceId("name", request.Name, "wards");
        v.ThrowIfAny();
        var ward = await grains.GetGrain<IWardGrain>(id!).Get() ?? throw new Silo.Common.NotFoundException(request.Name);
        return ward.ToMessage();
    }

    /// <inheritdoc/>
    public override async Task<ListWardsResponse> ListWards(ListWardsRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var cluster = v.ResourceId("cluster", request.Cluster, "clusters", required: false);
        var (size, after) = v.Page(request.PageSize, request.PageToken, "cluster=" + cluster);
        v.ThrowIfAny();
        var rows = await readModel.ListWardsAsync(cluster, after, size + 1, context.CancellationToken);
        var response = new ListWardsResponse { NextPageToken = NextToken(rows.Select(r => r.Id).ToList(), size, "cluster=" + cluster) };
        response.Wards.AddRange(rows.Take(size).Select(r => r.ToMessage()));
        return response;
    }

    /// <inheritdoc/>
    public override async Task<Cluster> GetCluster(GetClusterRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var id = v.ResourceId("name", request.Name, "clusters");
        v.ThrowIfAny();
        var cluster = await grains.GetGrain<IClusterGrain>(id!).Get() ?? throw new Silo.Common.NotFoundException(request.Name);
        return cluster.ToMessage();
    }

    /// <inheritdoc/>
    public override async Task<ListClustersResponse> ListClusters(ListClustersRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var (size, after) = v.Page(request.PageSize, request.PageToken, "");
        v.ThrowIfAny();
        var rows = await readModel.ListClustersAsync(after, size + 1, context.CancellationToken);
        var response = new ListClustersResponse { NextPageToken = NextToken(rows.Select(r => r.Id).ToList(), size, "") };
        response.Clusters.AddRange(rows.Take(size).Select(r => r.ToMessage()));
        return response;
    }

    /// <inheritdoc/>
    public override async Task<Agency> GetAgency(GetAgencyRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var id = v.ResourceId("name", request.Name, "agencies");
        v.ThrowIfAny();
        var agency = await grains.GetGrain<IAgencyGrain>(id!).Get() ?? throw new Silo.Common.NotFoundException(request.Name);
        return agency.ToMessage();
    }

    /// <inheritdoc/>
    public override async Task<ListAgenciesResponse> ListAgencies(ListAgenciesRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var ward = v.ResourceId("ward", request.Ward, "wards", required: false);
        if (!Enum.IsDefined(request.Kind))
        {
            v.Add("kind", "Unknown agency kind / loại cơ quan không hợp lệ.");
        }
        var filter = $"ward={ward};kind={(int)request.Kind}";
        var (size, after) = v.Page(request.PageSize, request.PageToken, filter);
        v.ThrowIfAny();
        Silo.Directory.AgencyKind? kind = request.Kind == AgencyKind.Unspecified ? null : (Silo.Directory.AgencyKind)(int)request.Kind;
        var rows = await readModel.ListAgenciesAsync(ward, kind, after, size + 1, context.CancellationToken);
        var response = new ListAgenciesResponse { NextPageToken = NextToken(rows.Select(r => r.Id).ToList(), size, filter) };
        response.Agencies.AddRange(rows.Take(size).Select(r => r.ToMessage()));
        return response;
    }

    /// <inheritdoc/>
    public override async Task<Agency> CreateAgency(CreateAgencyRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        v.NewId("agency_id", request.AgencyId);
        v.RequestId("request_id", request.RequestId);
        string? ward = null;
        if (request.Agency is null)
        {
            v.Add("agency", "Required / bắt buộc.");
        }
        else
        {
            ward = ValidateAgency(v, request.Agency, AgencyFields.Updatable);
        }
        v.ThrowIfAny();
        Access.RequireCoordinator(CallContexts.Caller(context));
        var created = await grains.GetGrain<IAgencyGrain>(request.AgencyId).Create(request.Agency!.ToProfile(ward), request.RequestId);
        return created.ToMessage();
    }

    /// <inheritdoc/>
    public override async Task<Agency> UpdateAgency(UpdateAgencyRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        v.RequestId("request_id", request.RequestId);
        var fields = request.UpdateMask?.Paths.ToHashSet(StringComparer.Ordinal) ?? [];
        if (fields.Count == 0)
        {
            v.Add("update_mask", "Name at least one field to change / cần ít nhất một trường.");
        }
        foreach (var f in fields.Where(f => !AgencyFields.Updatable.Contains(f)))
        {
            v.Add("update_mask", $"Field '{f}' cannot be updated; allowed: {string.Join(", ", AgencyFields.Updatable)} / không thể cập nhật trường này.");
        }
        string? id = null;
        string? ward = null;
        if (request.Agency is null)
        {
            v.Add("agency", "Required / bắt buộc.");
        }
        else
        {
            id = v.ResourceId("agency.name", request.Agency.Name, "agencies");
            ward = ValidateAgency(v, request.Agency, fields);
        }
        v.ThrowIfAny();
        Access.RequireCoordinator(CallContexts.Caller(context));
        var updated = await grains.GetGrain<IAgencyGrain>(id!).Update(
            request.Agency!.ToProfile(ward), [.. fields], request.Agency!.Etag, request.RequestId);
        return updated.ToMessage();
    }

    /// <summary>Validates the fields of <paramref name="agency"/> that the request sets; returns the parsed ward id.</summary>
    private static string? ValidateAgency(RequestValidation v, Agency agency, IReadOnlySet<string> fields)
    {
        if (fields.Contains(AgencyFields.DisplayName))
        {
            v.Required("agency.display_name", agency.DisplayName, 200);
        }
        if (fields.Contains(AgencyFields.Kind) && (agency.Kind == AgencyKind.Unspecified || !Enum.IsDefined(agency.Kind)))
        {
            v.Add("agency.kind", "Required: one of the AGENCY_KIND_* values / bắt buộc chọn loại cơ quan.");
        }
        v.MaxLength("agency.parent_organization", agency.ParentOrganization, 200);
        v.MaxLength("agency.address", agency.Address, 500);
        if (agency.Services.Count > 50)
        {
            v.Add("agency.services", "At most 50 services / tối đa 50 dịch vụ.");
        }
        for (var i = 0; i < agency.Services.Count; i++)
        {
            v.Required($"agency.services[{i}]", agency.Services[i], 200);
        }
        if (agency.Contacts.Count > 20)
        {
            v.Add("agency.contacts", "At most 20 contacts / tối đa 20 liên hệ.");
        }
        for (var i = 0; i < agency.Contacts.Count; i++)
        {
            var c = agency.Contacts[i];
            v.Required($"agency.contacts[{i}].display_name", c.DisplayName, 200);
            v.MaxLength($"agency.contacts[{i}].title", c.Title, 200);
            v.MaxLength($"agency.contacts[{i}].phone", c.Phone, 50);
            v.MaxLength($"agency.contacts[{i}].email", c.Email, 200);
        }
        return fields.Contains(AgencyFields.Ward) ? v.ResourceId("agency.ward", agency.Ward, "wards", required: false) : null;
    }

    private static string NextToken(List<string> ids, int size, string filter) =>
        ids.Count > size ? new PageToken(ids[size - 1], filter).Encode() : "";

    /// <inheritdoc/>
    public override async Task<ImportDirectoryResponse> ImportDirectory(ImportDirectoryRequest request, ServerCallContext context)
    {
        Access.RequireCoordinator(CallContexts.Caller(context));
        if (request.Rows.Count is 0 or > 20_000)
        {
            throw new Silo.Common.InvalidArgumentException("rows", "1 to 20,000 rows / từ 1 đến 20.000 dòng.");
        }
        var rows = request.Rows.Select(r => new ImportRow(r.Line,
            r.Type switch
            {
                DirectoryRowType.Cluster => "cluster",
                DirectoryRowType.Ward => "ward",
                DirectoryRowType.Agency => "agency",
                DirectoryRowType.Person => "person",
                _ => "",
            },
            DirectoryImport.Clean(r.Id), DirectoryImport.Clean(r.DisplayName), DirectoryImport.Clean(r.Parent), DirectoryImport.Clean(r.Kind).ToUpperInvariant(),
            DirectoryImport.Clean(r.Province), DirectoryImport.Clean(r.AdministrativeCode), DirectoryImport.Clean(r.Phone), DirectoryImport.Clean(r.Email),
            DirectoryImport.Clean(r.ParentOrganization), DirectoryImport.Clean(r.Address))).ToList();
        // The directory as it is now, for every id the file names (a few hundred grains at most).
        var clusters = new Dictionary<string, ClusterRecord?>();
        var wards = new Dictionary<string, WardRecord?>();
        var agencies = new Dictionary<string, AgencyRecord?>();
        foreach (var r in rows)
        {
            // Only well-formed ids are looked up (the rest are errors anyway): no grain for a junk key.
            foreach (var id in new[] { r.Id, r.Parent }.Where(DirectoryImport.IsId))
            {
                if (!wards.ContainsKey(id))
                {
                    wards[id] = await grains.GetGrain<IWardGrain>(id).Get();
                }
                if (!clusters.ContainsKey(id))
                {
                    clusters[id] = await grains.GetGrain<IClusterGrain>(id).Get();
                }
            }
            if (r.Type == "agency" && DirectoryImport.IsId(r.Id) && !agencies.ContainsKey(r.Id))
            {
                agencies[r.Id] = await grains.GetGrain<IAgencyGrain>(r.Id).Get();
            }
        }
        foreach (var w in wards.Values.OfType<WardRecord>().Select(w => w.Profile.ClusterId).Distinct().Where(c => !clusters.ContainsKey(c)).ToList())
        {
            clusters[w] = await grains.GetGrain<IClusterGrain>(w).Get();
        }
        var plan = DirectoryImport.Plan(rows, id => clusters.GetValueOrDefault(id), id => wards.GetValueOrDefault(id), id => agencies.GetValueOrDefault(id));
        var response = new ImportDirectoryResponse { Unchanged = plan.Unchanged };
        response.Errors.AddRange(plan.Errors.Select(e => new ImportLineError { Line = e.Line, Field = e.Field, Message = e.Message }));
        response.Changes.AddRange(plan.Changes.Select(c => new DirectoryChange { Line = c.Line, Resource = c.Resource, Action = c.Action }));
        if (plan.Errors.Count > 0 || request.ValidateOnly || plan.Changes.Count == 0)
        {
            return response;
        }
        // Agencies first (a ward names its People's Committee), then wards, then the clusters that list them.
        // Every Define is idempotent: a run cut short is finished by running the same file again.
        var changed = plan.Changes.Select(c => c.Resource).ToHashSet();
        foreach (var (id, profile) in plan.Agencies.Where(a => changed.Contains("agencies/" + a.Key)))
        {
            await grains.GetGrain<IAgencyGrain>(id).Define(profile);
        }
        foreach (var (id, profile) in plan.Wards.Where(w => changed.Contains("wards/" + w.Key)))
        {
            await grains.GetGrain<IWardGrain>(id).Define(profile);
        }
        foreach (var (id, profile) in plan.Clusters.Where(c => changed.Contains("clusters/" + c.Key)))
        {
            await grains.GetGrain<IClusterGrain>(id).Define(profile);
        }
        response.Applied = true;
        return response;
    }

    /// <inheritdoc/>
    public override async Task<AgencyService> GetAgencyService(GetAgencyServiceRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var name = v.ServiceName("name", request.Name);
        v.ThrowIfAny();
        var service = await grains.GetGrain<IAgencyGrain>(name!.Value.AgencyId).GetService(name.Value.ServiceId)
            ?? throw new Silo.Common.NotFoundException(request.Name);
        return service.ToMessage();
    }

    /// <inheritdoc/>
    public override async Task<ListAgencyServicesResponse> ListAgencyServices(ListAgencyServicesRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var every = request.Parent == "agencies/-";
        var agency = every ? null : v.ResourceId("parent", request.Parent, "agencies");
        v.Enum("kind", request.Kind, required: false);
        var filter = $"parent={request.Parent};kind={(int)request.Kind}";
        var (size, after) = v.Page(request.PageSize, request.PageToken, filter);
        // The cursor is "{agency}/{service}": services are ordered by agency, then service id.
        var cut = after.Split('/', 2);
        var (afterAgency, afterService) = cut.Length == 2 ? (cut[0], cut[1]) : ("", "");
        if (afterAgency.Length > 0 && !DirectoryImport.IsId(afterAgency))
        {
            v.Add("page_token", "Not a token this list made / mã trang không hợp lệ.");
        }
        v.ThrowIfAny();
        var found = new List<ServiceRecord>();
        bool OfKind(ServiceRecord s) => request.Kind == Coordination.V1.ServiceKind.Unspecified || (int)s.Profile.Kind == (int)request.Kind;
        // The cursor's agency: only its services after the cursor's one.
        async Task<IEnumerable<ServiceRecord>> RestOf(string agencyId) =>
            (await grains.GetGrain<IAgencyGrain>(agencyId).ListServices()).Where(s => string.CompareOrdinal(s.Id, afterService) > 0);
        if (agency is not null)
        {
            found.AddRange((await RestOf(agency)).Where(OfKind).Take(size + 1));
        }
        else
        {
            // Every agency in the directory's order, from the cursor's agency on, until the page is full.
            if (afterAgency.Length > 0)
            {
                found.AddRange((await RestOf(afterAgency)).Where(OfKind));
            }
            var from = afterAgency;
            while (found.Count <= size)
            {
                var agencies = await readModel.ListAgenciesAsync(null, null, from, 100, context.CancellationToken);
                if (agencies.Count == 0)
                {
                    break;
                }
                var catalogues = await System.Threading.Tasks.Task.WhenAll(agencies.Select(a => grains.GetGrain<IAgencyGrain>(a.Id).ListServices()));
                found.AddRange(catalogues.SelectMany(c => c).Where(OfKind));
                from = agencies[^1].Id;
            }
        }
        var response = new ListAgencyServicesResponse();
        response.Services.AddRange(found.Take(size).Select(s => s.ToMessage()));
        if (found.Count > size)
        {
            response.NextPageToken = new PageToken($"{found[size - 1].AgencyId}/{found[size - 1].Id}", filter).Encode();
        }
        return response;
    }

    /// <inheritdoc/>
    public override async Task<AgencyService> CreateAgencyService(CreateAgencyServiceRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        var agency = v.ResourceId("parent", request.Parent, "agencies");
        v.NewId("service_id", request.ServiceId);
        v.RequestId("request_id", request.RequestId);
        if (request.Service is null)
        {
            v.Add("service", "Required / bắt buộc.");
        }
        else
        {
            v.Validate(request.Service, ServiceFields.Updatable);
        }
        v.ThrowIfAny();
        Access.RequireCoordinator(CallContexts.Caller(context));
        var created = await grains.GetGrain<IAgencyGrain>(agency!).CreateService(request.ServiceId, request.Service!.ToProfile(), request.RequestId);
        return created.ToMessage();
    }

    /// <inheritdoc/>
    public override async Task<AgencyService> UpdateAgencyService(UpdateAgencyServiceRequest request, ServerCallContext context)
    {
        var v = new RequestValidation();
        v.RequestId("request_id", request.RequestId);
        var fields = request.UpdateMask?.Paths.ToHashSet(StringComparer.Ordinal) ?? [];
        if (fields.Count == 0)
        {
            v.Add("update_mask", "Name at least one field to change / cần ít nhất một trường.");
        }
        foreach (var f in fields.Where(f => !ServiceFields.Updatable.Contains(f)))
        {
            v.Add("update_mask", $"Field '{f}' cannot be updated; allowed: {string.Join(", ", ServiceFields.Updatable)} / không thể cập nhật trường này.");
        }
        (string AgencyId, string ServiceId)? name = null;
        if (request.Service is null)
        {
            v.Add("service", "Required / bắt buộc.");
        }
        else
        {
            name = v.ServiceName("service.name", request.Service.Name);
            v.Validate(request.Service, fields);
        }
        v.ThrowIfAny();
        Access.RequireNotReadOnly(CallContexts.Caller(context));
        Access.RequireServiceWrite(CallContexts.Caller(context), name!.Value.AgencyId, fields.IsSubsetOf(ServiceFields.AgencyMayChange));
        var updated = await grains.GetGrain<IAgencyGrain>(name!.Value.AgencyId).UpdateService(
            name!.Value.ServiceId, request.Service!.ToProfile(), [.. fields], request.Service!.Etag, request.RequestId);
        return updated.ToMessage();
    }
}
