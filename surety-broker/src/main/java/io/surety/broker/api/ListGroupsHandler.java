package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;

/** ListGroups, with the states filter (v4+) and the types filter (v5+), both case-insensitive. */
final class ListGroupsHandler implements ApiHandler {

    private final GroupCoordinator groups;

    ListGroupsHandler(GroupCoordinator groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_GROUPS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        ListGroupsRequestData data = ((ListGroupsRequest) request.body()).data();
        Access access = request.access();
        // DESCRIBE on the cluster shows every group; else only those the requester may DESCRIBE.
        boolean all = access.allowsQuietly(AclOperation.DESCRIBE, ResourceType.CLUSTER, Resource.CLUSTER_NAME);
        return groups.listGroups(new HashSet<>(data.statesFilter()), new HashSet<>(data.typesFilter()))
                .thenApply(groups -> new ApiResponse.Send(new ListGroupsResponseData().setGroups(all ? groups
                        : groups.stream().filter(group -> access.allowsQuietly(AclOperation.DESCRIBE, ResourceType.GROUP,
                                group.groupId())).collect(Collectors.toCollection(ArrayList::new)))));
    }
}
