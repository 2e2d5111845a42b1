namespace Coordination.Silo.Directory;

/// <summary>An agency's directory entry, keyed by its id (e.g. <c>hai-chau-1-police</c>).</summary>
[Alias("coord.IAgencyGrain")]
public interface IAgencyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the agency. A retry with the same <paramref name="requestId"/> returns the agency as
    /// created; any other request for an existing agency throws AlreadyExistsException.
    /// </summary>
    [Alias("Create")]
    Task<AgencyRecord> Create(AgencyProfile profile, string requestId);

    /// <summary>
    /// Copies the named <paramref name="fields"/> of <paramref name="patch"/> onto the agency.
    /// A stale <paramref name="etag"/> throws StaleEtagException; a retried request changes nothing.
    /// </summary>
    [Alias("Update")]
    Task<AgencyRecord> Update(AgencyProfile patch, string[] fields, string? etag, string requestId);

    /// <summary>Creates or replaces the entry as the directory seed defines it.</summary>
    [Alias("Define")]
    Task<AgencyRecord> Define(AgencyProfile profile);

    /// <summary>The agency, or null when it is not in the directory.</summary>
    [Alias("Get")]
    Task<AgencyRecord?> Get();

    /// <summary>
    /// Adds a service to the catalogue. A retry with the same <paramref name="requestId"/> returns the
    /// service as created; any other request for an existing service throws AlreadyExistsException.
    /// </summary>
    [Alias("CreateService")]
    Task<ServiceRecord> CreateService(string serviceId, ServiceProfile profile, string requestId);

    /// <summary>
    /// Copies the named <paramref name="fields"/> of <paramref name="patch"/> onto the service.
    /// A stale <paramref name="etag"/> throws StaleEtagException; a retried request changes nothing.
    /// </summary>
    [Alias("UpdateService")]
    Task<ServiceRecord> UpdateService(string serviceId, ServiceProfile patch, string[] fields, string? etag, string requestId);

    /// <summary>Creates or replaces a service as the directory seed defines it.</summary>
    [Alias("DefineService")]
    Task<ServiceRecord> DefineService(string serviceId, ServiceProfile profile);

    /// <summary>One service, or null when the catalogue has no such service.</summary>
    [Alias("GetService")]
    Task<ServiceRecord?> GetService(string serviceId);

    /// <summary>The catalogue, ordered by service id (empty for an unknown agency).</summary>
    [Alias("ListServices")]
    Task<ServiceRecord[]> ListServices();
}
